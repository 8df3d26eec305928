using System.Globalization;

namespace Tusk.Bench;

/// <summary>The runs of one measurement.</summary>
public sealed record Sample(string Name, IReadOnlyList<double> Values)
{
    public double Median
    {
        get
        {
            var sorted = Values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    public string Format(string unit, string format = "0.00") =>
        string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} {unit} (min {Values.Min().ToString(format, CultureInfo.InvariantCulture)}, max {Values.Max().ToString(format, CultureInfo.InvariantCulture)}, n={Values.Count})");
}
