using Tusk.Cli;
using Tusk.Runtime.Local;

return await CliApp.RunAsync(args, new CliContext(Console.Out, Console.Error, TuskHome.FromEnvironment()));
