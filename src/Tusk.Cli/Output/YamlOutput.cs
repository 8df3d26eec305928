using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.Schemas;

namespace Tusk.Cli.Output;

/// <summary>
/// Writes a JSON tree as YAML through YamlDotNet's emitter, raising exactly the events YamlDotNet's
/// (reflection-based) serializer raises for the same tree turned into dictionaries, lists and
/// scalars, so the text is the same as before, without reflection (native AOT cannot run that
/// serializer). Tests compare the two on the same values.
/// </summary>
public static class YamlOutput
{
    public static string Write(JsonNode? node)
    {
        using var text = new StringWriter();
        var emitter = new Emitter(text, EmitterSettings.Default);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(Emitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Any));
                foreach (var (key, value) in o)
                {
                    String(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray a:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Any));
                foreach (var item in a)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            // The same order of tests as the dictionaries the serializer was given: bool, long, double, text;
            // and the same formatter calls (a long goes to FormatNumber(object), as the serializer boxes it,
            // not to the double overload C# would pick).
            case JsonValue v when v.TryGetValue<bool>(out var b):
                Scalar(emitter, JsonSchema.Tags.Bool, YamlFormatter.Default.FormatBoolean(b), ScalarStyle.Plain);
                break;
            case JsonValue v when v.TryGetValue<long>(out var l):
                Scalar(emitter, JsonSchema.Tags.Int, YamlFormatter.Default.FormatNumber((object)l), ScalarStyle.Plain);
                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                Scalar(emitter, JsonSchema.Tags.Float, YamlFormatter.Default.FormatNumber(d), ScalarStyle.Plain);
                break;
            case JsonValue v:
                String(emitter, v.ToString());
                break;
            default:
                Scalar(emitter, JsonSchema.Tags.Null, "", ScalarStyle.Plain);
                break;
        }
    }

    /// <summary>Strings keep the emitter's own choice of style (ScalarStyle.Any), as the serializer leaves it by default.</summary>
    private static void String(Emitter emitter, string value) => Scalar(emitter, FailsafeSchema.Tags.Str, value, ScalarStyle.Any);

    private static void Scalar(Emitter emitter, TagName tag, string value, ScalarStyle style) =>
        emitter.Emit(new Scalar(AnchorName.Empty, tag, value, style, isPlainImplicit: true, isQuotedImplicit: false));
}
