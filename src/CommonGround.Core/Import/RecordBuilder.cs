using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommonGround.Catalog;
using CommonGround.Events;
using CommonGround.Records;

namespace CommonGround.Import;

/// <summary>
/// Turns rows into records by a resolved mapping: typed fields are parsed and checked, the other
/// columns become the Traits or Properties JSON object (empty values left out). Each built record's
/// fields are counted in a <see cref="CatalogTally"/>. Stateless apart from the tally; not thread-safe.
/// </summary>
public sealed class RecordBuilder(ImportKind kind, string sourceId, ResolvedMapping mapping, DateTimeOffset receivedAt)
{
    static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ImportKind Kind => kind;
    public CatalogTally Tally { get; } = new();

    public RowOutcome<CustomerRecord> Customer(ImportRow row)
    {
        if (Text(row, "customer_id") is not { } customerId) return Missing("customer_id");
        string? email = null;
        if (Text(row, "email") is { } emailText)
        {
            if (!ImportValues.TryEmail(emailText, out var normalized))
                return RowOutcome<CustomerRecord>.Reject($"email '{emailText}' is not an e-mail address");
            email = normalized;
        }
        if (!TryOptionalDate(row, "created_at", out var createdAt, out var dateError))
            return RowOutcome<CustomerRecord>.Reject(dateError!);

        var (traits, extra) = Remaining(row);
        var record = new CustomerRecord
        {
            SourceId = sourceId,
            CustomerId = customerId,
            Email = email,
            Phone = Text(row, "phone"),
            FirstName = Text(row, "first_name"),
            LastName = Text(row, "last_name"),
            AddressLine = Text(row, "address_line"),
            PostalCode = Text(row, "postal_code"),
            City = Text(row, "city"),
            Country = Text(row, "country"),
            Company = Text(row, "company"),
            CreatedAt = createdAt,
            Traits = traits,
        };
        CountTyped(DataType.Profile, "customers", row, number: null);
        foreach (var (column, value) in extra) Tally.Add(DataType.Profile, "customers", "traits." + column, ImportJson.KindOf(value));
        return RowOutcome<CustomerRecord>.Ok(record);
    }

    public RowOutcome<OrderRecord> Order(ImportRow row)
    {
        if (Text(row, "order_id") is not { } orderId) return MissingOrder("order_id");
        if (Text(row, "customer_id") is not { } customerId) return MissingOrder("customer_id");
        var orderedAtValue = Value(row, "ordered_at");
        if (ImportValues.Text(orderedAtValue) is null) return MissingOrder("ordered_at");
        if (!ImportValues.TryDate(orderedAtValue, out var orderedAt))
            return RowOutcome<OrderRecord>.Reject(NotADate("ordered_at", orderedAtValue));
        var totalValue = Value(row, "total");
        if (ImportValues.Text(totalValue) is not { } totalText) return MissingOrder("total");
        if (!ImportValues.TryNumber(totalValue, out var total))
            return RowOutcome<OrderRecord>.Reject($"total '{totalText}' is not a number (use a dot for decimals, as in 12.50)");

        var (properties, extra) = Remaining(row);
        var record = new OrderRecord
        {
            SourceId = sourceId,
            OrderId = orderId,
            CustomerId = customerId,
            OrderedAt = orderedAt,
            Total = total,
            Currency = Text(row, "currency"),
            Status = Text(row, "status"),
            Properties = properties,
        };
        CountTyped(DataType.Transactional, "orders", row, number: "total");
        foreach (var (column, value) in extra) Tally.Add(DataType.Transactional, "orders", "properties." + column, ImportJson.KindOf(value));
        return RowOutcome<OrderRecord>.Ok(record);
    }

    public RowOutcome<TrackedEvent> Event(ImportRow row)
    {
        var typeText = Text(row, "type")?.ToLowerInvariant() ?? "track";
        if (!EventTypes.TryParse(typeText, out var type))
            return RowOutcome<TrackedEvent>.Reject($"type '{typeText}' is not one of track, identify, page, screen, group, alias");
        var name = Text(row, "event");
        if (type == EventType.Track && name is null)
            return RowOutcome<TrackedEvent>.Reject("event is missing (a track event needs the event's name)");
        var userId = Text(row, "user_id");
        var anonymousId = Text(row, "anonymous_id");
        if (userId is null && anonymousId is null)
            return RowOutcome<TrackedEvent>.Reject("user_id and anonymous_id are both missing (one of them is needed)");
        var groupId = Text(row, "group_id");
        if (type == EventType.Group && groupId is null)
            return RowOutcome<TrackedEvent>.Reject("group_id is missing (a group event needs it)");
        var previousId = Text(row, "previous_id");
        if (type == EventType.Alias && previousId is null)
            return RowOutcome<TrackedEvent>.Reject("previous_id is missing (an alias event needs it)");
        var timestampValue = Value(row, "timestamp");
        if (ImportValues.Text(timestampValue) is null) return RowOutcome<TrackedEvent>.Reject("timestamp is missing");
        if (!ImportValues.TryDate(timestampValue, out var timestamp))
            return RowOutcome<TrackedEvent>.Reject(NotADate("timestamp", timestampValue));

        var (json, extra) = Remaining(row);
        var isProfile = type is EventType.Identify or EventType.Group;
        var dataset = type == EventType.Track ? name! : typeText;
        var dataType = isProfile ? DataType.Profile : DataType.Behavioural;
        var record = new TrackedEvent
        {
            SourceId = sourceId,
            MessageId = Text(row, "message_id") ?? DerivedMessageId(row),
            Type = type,
            Name = type is EventType.Track or EventType.Page or EventType.Screen ? name : null,
            UserId = userId,
            AnonymousId = anonymousId,
            GroupId = groupId,
            PreviousId = previousId,
            Timestamp = timestamp,
            OriginalTimestamp = timestamp,
            ReceivedAt = receivedAt,
            Properties = isProfile ? null : json,
            Traits = isProfile ? json : null,
        };
        foreach (var target in new[] { "user_id", "anonymous_id", "group_id", "previous_id", "timestamp" })
            if (mapping.ColumnOf(target) is { } column && ImportValues.Text(row.Get(column)) is not null)
                Tally.Add(dataType, dataset, target, "string");
        var prefix = isProfile ? "traits." : "properties.";
        foreach (var (column, value) in extra) Tally.Add(dataType, dataset, prefix + column, ImportJson.KindOf(value));
        return RowOutcome<TrackedEvent>.Ok(record);
    }

    /// <summary>
    /// The same for the same row of the same source and kind, so that importing a file again stores no
    /// event twice: a hash of the source, the kind and the row's content.
    /// </summary>
    string DerivedMessageId(ImportRow row)
    {
        var content = new StringBuilder(sourceId).Append('\n').Append(kind.ToName()).Append('\n');
        for (var i = 0; i < row.Columns.Count; i++)
            content.Append(row.Columns[i]).Append('=').Append(ImportValues.Text(row.Values[i])).Append('\u001f');
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString()));
        return "import-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    void CountTyped(DataType dataType, string dataset, ImportRow row, string? number)
    {
        foreach (var (target, column) in mapping.Columns)
            if (ImportValues.Text(row.Get(column)) is not null)
                Tally.Add(dataType, dataset, target, target == number ? "number" : "string");
    }

    (string? Json, List<(string Column, object? Value)> Columns) Remaining(ImportRow row)
    {
        var extra = new List<(string, object?)>();
        for (var i = 0; i < row.Columns.Count; i++)
        {
            var column = row.Columns[i];
            if (mapping.IsTyped(column)) continue;
            var value = row.Values[i];
            if (value is null || (value is string s && s.Trim().Length == 0)) continue;
            extra.Add((column, value is string text ? text.Trim() : value));
        }
        if (extra.Count == 0) return (null, extra);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var (column, value) in extra)
            {
                writer.WritePropertyName(column);
                ImportJson.WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), extra);
    }

    bool TryOptionalDate(ImportRow row, string target, out DateTimeOffset? date, out string? error)
    {
        date = null;
        error = null;
        var value = Value(row, target);
        if (ImportValues.Text(value) is null) return true;
        if (ImportValues.TryDate(value, out var parsed))
        {
            date = parsed;
            return true;
        }
        error = NotADate(target, value);
        return false;
    }

    static string NotADate(string target, object? value) =>
        $"{target} '{ImportValues.Text(value)}' is not a date (use {ImportValues.DateFormats})";

    object? Value(ImportRow row, string target) => mapping.ColumnOf(target) is { } column ? row.Get(column) : null;

    string? Text(ImportRow row, string target) => ImportValues.Text(Value(row, target));

    RowOutcome<CustomerRecord> Missing(string target) => RowOutcome<CustomerRecord>.Reject(MissingReason(target));

    RowOutcome<OrderRecord> MissingOrder(string target) => RowOutcome<OrderRecord>.Reject(MissingReason(target));

    string MissingReason(string target) =>
        mapping.ColumnOf(target) is { } column && column != target
            ? $"{target} (column '{column}') is missing"
            : $"{target} is missing";
}
