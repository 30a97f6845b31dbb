using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CommonGround.Import;

/// <summary>Writes row values as JSON: the Traits and Properties objects, and the raw text of Parquet rows.</summary>
public static class ImportJson
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON object of the columns in order; nulls included (for raw rows).</summary>
    public static string Object(IReadOnlyList<string> columns, IReadOnlyList<object?> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                WriteValue(writer, i < values.Count ? values[i] : null);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case DateTimeOffset t: writer.WriteStringValue(ImportValues.Format(t)); break;
            case JsonText j: writer.WriteRawValue(j.Json, skipInputValidation: true); break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>The JSON value kind a value is written as, for the catalog: string, number, boolean, object, array or null.</summary>
    public static string KindOf(object? value) => value switch
    {
        null => "null",
        long or decimal => "number",
        double d => double.IsFinite(d) ? "number" : "string",
        bool => "boolean",
        JsonText j => j.Kind == JsonValueKind.Array ? "array" : "object",
        _ => "string",
    };
}
