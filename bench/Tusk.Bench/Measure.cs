using System.Diagnostics;

namespace Tusk.Bench;

/// <summary>Repeats a measurement and reports the median with the spread, so one slow run cannot mislead.</summary>
public static class Measure
{
    public static async Task<Sample> RepeatAsync(string name, int runs, Func<int, Task<double>> once)
    {
        var values = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var value = await once(i);
            values.Add(value);
            Console.Error.WriteLine($"  {name} run {i + 1}/{runs}: {value:0.000}");
        }

        return new Sample(name, values);
    }

    public static async Task<double> SecondsAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }
}
