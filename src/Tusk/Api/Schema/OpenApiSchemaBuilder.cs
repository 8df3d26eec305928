using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Tusk.Api.Reading;

namespace Tusk.Api.Schema;

/// <summary>
/// A structural OpenAPI v3 schema (as CustomResourceDefinitions require) from the resource types,
/// by the same reflection the manifest reader binds with, so the CRD and the reader cannot
/// disagree about field names. Bounds, enums, defaults and required fields come from standard
/// attributes on the properties: <see cref="RangeAttribute"/>, <see cref="AllowedValuesAttribute"/>,
/// <see cref="DefaultValueAttribute"/>, <see cref="RequiredAttribute"/>, <see cref="StringLengthAttribute"/>,
/// <see cref="MinLengthAttribute"/>, <see cref="RegularExpressionAttribute"/>; pass-through fields
/// carry <see cref="OpenApiTypeAttribute"/>.
/// </summary>
public static class OpenApiSchemaBuilder
{
    public static JsonObject For(Type type) => Object(type);

    private static JsonObject Object(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, property) in ManifestBinder.FieldsOf(type).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            properties[name] = Property(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add((JsonNode)name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return schema;
    }

    private static JsonObject Property(PropertyInfo property)
    {
        var schema = Value(property.PropertyType, property.GetCustomAttribute<OpenApiTypeAttribute>());
        var isString = schema["type"]?.GetValue<string>() == "string";
        var isArray = schema["type"]?.GetValue<string>() == "array";
        if (property.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } value })
        {
            schema["default"] = Scalar(value);
        }

        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema["enum"] = new JsonArray(allowed.Values.Select(Scalar).ToArray());
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            // int.MaxValue stands for "no upper bound" in the attribute.
            schema["minimum"] = Convert.ToInt64(range.Minimum, CultureInfo.InvariantCulture);
            if (Convert.ToInt64(range.Maximum, CultureInfo.InvariantCulture) is var max && max != int.MaxValue)
            {
                schema["maximum"] = max;
            }
        }

        if (property.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            schema[isArray ? "minItems" : "minLength"] = min.Length;
        }

        // StringLength rather than MaxLength: MaxLength's validation reflects over any type's Count,
        // which trimming (native AOT) cannot see; the CRD only needs the number.
        if (isString && property.GetCustomAttribute<StringLengthAttribute>() is { } length)
        {
            if (length.MinimumLength > 0)
            {
                schema["minLength"] = length.MinimumLength;
            }

            schema["maxLength"] = length.MaximumLength;
        }

        if (isString && property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        return schema;
    }

    /// <summary>An attribute's constant (default or allowed value) as JSON: the kinds the resource types use.</summary>
    private static JsonNode? Scalar(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        _ => throw new NotSupportedException($"no JSON for the attribute value {value} ({value.GetType()}); add a case to {nameof(OpenApiSchemaBuilder)}"),
    };

    private static JsonObject Value(Type type, OpenApiTypeAttribute? shape)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(JsonNode))
        {
            // Passed through as written; the shape (object or array of objects) is still checked.
            var passthrough = new JsonObject();
            if (shape?.Type == "array")
            {
                passthrough["type"] = "array";
                passthrough["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            }
            else
            {
                if (shape is not null)
                {
                    passthrough["type"] = shape.Type;
                }

                passthrough["x-kubernetes-preserve-unknown-fields"] = true;
            }

            return passthrough;
        }

        if (t == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (t == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (t == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (t == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (t == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            return new JsonObject { ["type"] = "array", ["items"] = Value(t.GetGenericArguments()[0], null) };
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            // The reader takes any scalar (PostgreSQL parameters are written as numbers, words or
            // booleans) and keeps it as text; a structural schema has no "any scalar" type.
            return new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true },
            };
        }

        if (t.IsClass && t.Namespace == typeof(PostgresCluster).Namespace)
        {
            return Object(t);
        }

        throw new NotSupportedException($"no OpenAPI schema for {t}; add a case to {nameof(OpenApiSchemaBuilder)}");
    }
}
