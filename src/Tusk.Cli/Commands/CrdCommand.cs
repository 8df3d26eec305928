using System.CommandLine;
using Tusk.Api.Schema;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk crd` (hidden): prints the PostgresCluster CustomResourceDefinition generated from the
/// resource types. Regenerate the committed copy with
/// <c>dotnet run --project src/Tusk.Cli -- crd &gt; deploy/crd/postgresclusters.tusk.dev.yaml</c>,
/// and copy it to deploy/olm/manifests/postgresclusters.tusk.dev.crd.yaml for the OLM bundle.
/// </summary>
public static class CrdCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("crd", "Print the PostgresCluster CustomResourceDefinition (YAML)") { Hidden = true };
        command.SetAction((_, _) =>
        {
            context.Out.Write(CrdGenerator.GenerateYaml());
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
