using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CommonGround.Catalog;

namespace CommonGround.Events;

/// <summary>
/// Reads the body of a Segment HTTP API call (<c>/v1/track</c>, ..., <c>/v1/batch</c>) into events,
/// checking every rule of the spec and the size limits. A request is taken whole or refused whole:
/// any error throws <see cref="InvalidPayloadException"/> naming each bad event's index and field.
/// Stateless and thread-safe.
/// </summary>
public sealed class SegmentPayloadReader(IngestionOptions limits)
{
    /// <summary>Longest identifier or name accepted, in characters.</summary>
    const int MaxTextLength = 1_024;
    const int MaxErrors = 50;

    static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ReaderOptions.MaxDepth };

    /// <summary>The write key sent in the body (older clients do this instead of HTTP Basic), if any.</summary>
    public static string? FindWriteKey(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKey = reader.ValueTextEquals("writeKey"u8);
                reader.Read();
                if (isKey) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A malformed body has no readable key; the caller answers 401, and a well-keyed retry gets the 400.
        }
        return null;
    }

    /// <summary>
    /// Reads a body. <paramref name="endpointType"/> is the call type of a single-event endpoint
    /// (<c>/v1/track</c>), or null for <c>/v1/batch</c>, where each event names its type.
    /// </summary>
    /// <param name="observer">Collects what the catalog should learn from the accepted events.</param>
    /// <exception cref="InvalidPayloadException">Anything is wrong; nothing should be stored.</exception>
    public IReadOnlyList<TrackedEvent> Read(ReadOnlyMemory<byte> body, EventType? endpointType, string sourceId,
        DateTimeOffset receivedAt, CatalogCollector? observer = null)
    {
        if (body.Length > limits.MaxRequestBytes)
        {
            throw Invalid("The request is too large.", new PayloadError(null, "",
                $"The body is {body.Length:N0} bytes; at most {limits.MaxRequestBytes:N0} are accepted. Send fewer events per batch."));
        }
        if (body.IsEmpty) throw Invalid("The request is empty.", new PayloadError(null, "", "The body is empty; send a JSON object."));

        var errors = new List<PayloadError>();
        var bodyIsUtf8 = Utf8.IsValid(body.Span);
        var events = new List<TrackedEvent>();
        var items = new List<(JsonElement Item, int Start, int Length)>();
        var documents = new List<JsonDocument>();
        try
        {
            if (endpointType is { } type)
            {
                var reader = StartObject(body.Span);
                var document = JsonDocument.ParseValue(ref reader);
                documents.Add(document);
                var root = document.RootElement;
                if (!bodyIsUtf8) CheckUtf8(body.Span, null, errors);
                var shared = SharedFields.None;
                if (errors.Count == 0 && ReadEvent(root, null, type, shared, sourceId, receivedAt, errors) is { } e)
                {
                    events.Add(e);
                    observer?.Observe(e, root);
                }
            }
            else
            {
                var envelope = (bodyIsUtf8 ? TryReadWholeBatch(body, items, documents) : null)
                    ?? ReadBatchEventByEvent(body.Span, items, documents);
                var shared = SharedFields.From(envelope.RootElement, errors);
                if (items.Count > limits.MaxBatchEvents)
                {
                    throw Invalid("The batch has too many events.", new PayloadError(null, "batch",
                        $"The batch has {items.Count:N0} events; at most {limits.MaxBatchEvents:N0} are accepted in one call."));
                }
                for (var index = 0; index < items.Count && errors.Count < MaxErrors; index++)
                {
                    var (item, start, length) = items[index];
                    if (length > limits.MaxEventBytes)
                    {
                        errors.Add(new PayloadError(index, "", $"The event is {length:N0} bytes; at most {limits.MaxEventBytes:N0} are accepted."));
                        continue;
                    }
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add(new PayloadError(index, "", $"Each event must be a JSON object, found {Describe(item.ValueKind)}."));
                        continue;
                    }
                    var before = errors.Count;
                    if (!bodyIsUtf8) CheckUtf8(body.Span.Slice(start, length), index, errors);
                    if (errors.Count == before && TypeOf(item, index, errors) is { } itemType &&
                        ReadEvent(item, index, itemType, shared, sourceId, receivedAt, errors) is { } e)
                    {
                        events.Add(e);
                        observer?.Observe(e, item);
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw Invalid("The body is not valid JSON.", new PayloadError(
                ex.InnerException is BatchIndex b ? b.Index : null, "",
                $"The body is not valid JSON{where}: {FirstSentence(ex.Message)}"));
        }
        finally
        {
            foreach (var document in documents) document.Dispose();
        }
        if (errors.Count > 0)
        {
            throw Invalid(errors.Count == 1 ? "An event is invalid." : $"{errors.Count} problems were found in the request.",
                [.. errors]);
        }
        return events;
    }

    /// <summary>A reader positioned on the body's opening brace; anything else is refused.</summary>
    static Utf8JsonReader StartObject(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("The body is not a JSON object.", new PayloadError(null, "",
                $"Expected a JSON object, found {Describe(reader.TokenType)}."));
        }
        return reader;
    }

    /// <summary>
    /// The common case, a well-formed /v1/batch body, read as one document: the events are not copied
    /// out one by one, and the document's index is rented from the shared pool. Null when the body is
    /// not valid JSON or not an object: <see cref="ReadBatchEventByEvent"/> then finds and names the
    /// error. Otherwise the same items and envelope as that method.
    /// </summary>
    static JsonDocument? TryReadWholeBatch(ReadOnlyMemory<byte> body, List<(JsonElement, int, int)> items, List<JsonDocument> documents)
    {
        JsonDocument whole;
        try
        {
            whole = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }
        documents.Add(whole);
        if (whole.RootElement.ValueKind != JsonValueKind.Object) return null;

        var sawBatch = false;
        var envelope = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(envelope))
        {
            writer.WriteStartObject();
            foreach (var member in whole.RootElement.EnumerateObject())
            {
                if (member.NameEquals("batch"u8))
                {
                    if (member.Value.ValueKind != JsonValueKind.Array) throw BatchIsNotAnArray(Describe(member.Value.ValueKind));
                    sawBatch = true;
                    foreach (var item in member.Value.EnumerateArray())
                    {
                        var raw = JsonMarshal.GetRawUtf8Value(item);
                        body.Span.Overlaps(raw, out var start);
                        items.Add((item, start, raw.Length));
                    }
                }
                else if (SharedFields.Names.FirstOrDefault(member.NameEquals) is { } name)
                {
                    writer.WritePropertyName(name);
                    member.Value.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return EnvelopeDocument(sawBatch, envelope, documents);
    }

    /// <summary>
    /// Walks a /v1/batch body once: each element of "batch" is parsed on its own, so its exact size on
    /// the wire is known and a syntax error inside it names its index. Returns the envelope's members
    /// that apply to every event (context, integrations, sentAt) as a document of their own.
    /// </summary>
    static JsonDocument ReadBatchEventByEvent(ReadOnlySpan<byte> body, List<(JsonElement, int, int)> items, List<JsonDocument> documents)
    {
        items.Clear();
        var reader = StartObject(body);
        var sawBatch = false;
        var envelope = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(envelope))
        {
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("batch"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) throw BatchIsNotAnArray(Describe(reader.TokenType));
                    sawBatch = true;
                    while (true)
                    {
                        try
                        {
                            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray) break;
                            var start = (int)reader.TokenStartIndex;
                            var item = JsonDocument.ParseValue(ref reader);
                            documents.Add(item);
                            items.Add((item.RootElement, start, (int)reader.BytesConsumed - start));
                        }
                        catch (JsonException ex)
                        {
                            throw new JsonException(ex.Message, ex.Path, ex.LineNumber, ex.BytePositionInLine, new BatchIndex(items.Count));
                        }
                    }
                }
                else if (SharedFieldNamed(ref reader) is { } name)
                {
                    writer.WritePropertyName(name);
                    reader.Read();
                    using var value = JsonDocument.ParseValue(ref reader);
                    value.RootElement.WriteTo(writer);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            writer.WriteEndObject();
        }
        return EnvelopeDocument(sawBatch, envelope, documents);
    }

    static string? SharedFieldNamed(ref Utf8JsonReader reader)
    {
        foreach (var name in SharedFields.Names)
        {
            if (reader.ValueTextEquals(name)) return name;
        }
        return null;
    }

    static InvalidPayloadException BatchIsNotAnArray(string found) =>
        Invalid("The batch is missing.", new PayloadError(null, "batch", $"\"batch\" must be an array, found {found}."));

    static JsonDocument EnvelopeDocument(bool sawBatch, System.Buffers.ArrayBufferWriter<byte> envelope, List<JsonDocument> documents)
    {
        if (!sawBatch)
        {
            throw Invalid("The batch is missing.", new PayloadError(null, "batch", "A /v1/batch body needs a \"batch\" array of events."));
        }
        var document = JsonDocument.Parse(envelope.WrittenMemory);
        documents.Add(document);
        return document;
    }

    /// <summary>Carries the index of the batch element in which a syntax error was found.</summary>
    sealed class BatchIndex(int index) : Exception($"batch[{index}]")
    {
        public int Index { get; } = index;
    }

    static void CheckUtf8(ReadOnlySpan<byte> raw, int? index, List<PayloadError> errors)
    {
        if (Utf8.IsValid(raw)) return;
        // Name the field that holds the bad bytes: walk the event and test each value's raw bytes.
        var reader = new Utf8JsonReader(raw, ReaderOptions);
        var path = new List<string>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pending = Utf8.IsValid(reader.ValueSpan) ? Encoding.UTF8.GetString(reader.ValueSpan) : "?";
                        if (!Utf8.IsValid(reader.ValueSpan))
                        {
                            errors.Add(new PayloadError(index, Join(path, "(a property name)"), "contains bytes that are not valid UTF-8."));
                            return;
                        }
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (pending is not null) path.Add(pending);
                        else if (reader.CurrentDepth > 0) path.Add("[]");
                        pending = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (path.Count > 0 && reader.CurrentDepth > 0) path.RemoveAt(path.Count - 1);
                        break;
                    default:
                        if (!Utf8.IsValid(reader.ValueSpan))
                        {
                            errors.Add(new PayloadError(index, Join(path, pending ?? ""), "contains bytes that are not valid UTF-8."));
                            return;
                        }
                        pending = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        errors.Add(new PayloadError(index, "", "The event contains bytes that are not valid UTF-8."));
    }

    static string Join(List<string> path, string leaf) =>
        string.Join('.', path.Append(leaf).Where(p => p.Length > 0));

    static EventType? TypeOf(JsonElement item, int index, List<PayloadError> errors)
    {
        if (!item.TryGetProperty("type", out var typeElement) || typeElement.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new PayloadError(index, "type", "is missing; use track, identify, page, screen, group or alias."));
            return null;
        }
        if (typeElement.ValueKind != JsonValueKind.String || !EventTypes.TryParse(typeElement.GetString(), out var type))
        {
            errors.Add(new PayloadError(index, "type",
                $"{Quote(typeElement)} is not a call type; use track, identify, page, screen, group or alias."));
            return null;
        }
        return type;
    }

    static TrackedEvent? ReadEvent(JsonElement e, int? index, EventType type, SharedFields shared, string sourceId,
        DateTimeOffset receivedAt, List<PayloadError> errors)
    {
        var before = errors.Count;
        if (index is null && e.TryGetProperty("type", out var declared) && declared.ValueKind == JsonValueKind.String &&
            declared.GetString() != type.ToWire())
        {
            errors.Add(new PayloadError(index, "type", $"'{declared.GetString()}' does not match this endpoint, which takes {type.ToWire()} calls."));
        }

        var userId = Id(e, "userId", index, errors);
        var anonymousId = Id(e, "anonymousId", index, errors);
        var messageId = Id(e, "messageId", index, errors);
        var groupId = Id(e, "groupId", index, errors);
        var previousId = Id(e, "previousId", index, errors);
        string? name = null, category = null;

        switch (type)
        {
            case EventType.Track:
                name = Text(e, "event", index, errors);
                if (name is null && errors.Count == before) errors.Add(new PayloadError(index, "event", "is missing; a track call names the event, e.g. \"Order Completed\"."));
                break;
            case EventType.Page or EventType.Screen:
                name = Text(e, "name", index, errors);
                category = Text(e, "category", index, errors);
                break;
            case EventType.Group when groupId is null:
                errors.Add(new PayloadError(index, "groupId", "is missing; a group call names the group (account, household or business)."));
                break;
            case EventType.Alias when previousId is null:
                errors.Add(new PayloadError(index, "previousId", "is missing; an alias call joins previousId to userId."));
                break;
        }
        if (type == EventType.Alias && userId is null && !HasField(errors, before, "userId"))
        {
            errors.Add(new PayloadError(index, "userId", "is missing; an alias call joins previousId to userId."));
        }
        else if (userId is null && anonymousId is null && !HasField(errors, before, "userId") && !HasField(errors, before, "anonymousId"))
        {
            errors.Add(new PayloadError(index, "userId", "and anonymousId are both missing; every call needs at least one of them."));
        }

        var timestamp = Time(e, "timestamp", index, errors);
        var originalTimestamp = Time(e, "originalTimestamp", index, errors) ?? timestamp;
        var sentAt = Time(e, "sentAt", index, errors) ?? shared.SentAt;
        var context = Json(e, "context", index, errors) ?? shared.Context;
        var properties = Json(e, "properties", index, errors);
        var traits = Json(e, "traits", index, errors);
        var integrations = Json(e, "integrations", index, errors) ?? shared.Integrations;
        if (errors.Count > before) return null;

        // Segment's clock-skew correction: the device's clock may be wrong, but the time between the
        // event and its sending is right, so anchor that interval on our own clock.
        var corrected = originalTimestamp is { } ot
            ? sentAt is { } sa ? receivedAt - (sa - ot) : ot
            : receivedAt;

        return new TrackedEvent
        {
            SourceId = sourceId,
            MessageId = messageId ?? "cg-" + Guid.NewGuid().ToString("N"),
            Type = type,
            Name = name,
            Category = category,
            UserId = userId,
            AnonymousId = anonymousId,
            GroupId = groupId,
            PreviousId = previousId,
            Timestamp = corrected,
            OriginalTimestamp = originalTimestamp,
            SentAt = sentAt,
            ReceivedAt = receivedAt,
            Context = context,
            Properties = properties,
            Traits = traits,
            Integrations = integrations,
        };
    }

    static bool HasField(List<PayloadError> errors, int from, string field)
    {
        for (var i = from; i < errors.Count; i++) if (errors[i].Field == field) return true;
        return false;
    }

    /// <summary>An identifier: a non-empty string, or a number taken as its text (as Segment does).</summary>
    static string? Id(JsonElement e, string field, int? index, List<PayloadError> errors) =>
        Text(e, field, index, errors, acceptNumber: true);

    /// <summary>
    /// A text member: null when absent, null or blank; an error when it is another JSON kind (a number
    /// is accepted where <paramref name="acceptNumber"/>), too long, or holds a NUL character, which no
    /// store keeps faithfully.
    /// </summary>
    static string? Text(JsonElement e, string field, int? index, List<PayloadError> errors, bool acceptNumber = false)
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (acceptNumber && value.ValueKind == JsonValueKind.Number) return value.GetRawText();
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new PayloadError(index, field, $"must be a string, found {Describe(value.ValueKind)}."));
            return null;
        }
        var text = value.GetString()!;
        if (text.Length > MaxTextLength)
        {
            errors.Add(new PayloadError(index, field, $"is {text.Length:N0} characters long; at most {MaxTextLength:N0} are accepted."));
            return null;
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(new PayloadError(index, field, "contains a NUL character (\\u0000); use printable text."));
            return null;
        }
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    static DateTimeOffset? Time(JsonElement e, string field, int? index, List<PayloadError> errors)
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && TryParseTime(value.GetString()!, out var time)) return time;
        errors.Add(new PayloadError(index, field,
            $"{Quote(value)} is not an ISO-8601 date and time, such as \"2026-11-23T09:30:00.000Z\"."));
        return null;
    }

    /// <summary>ISO-8601 with an offset or Z; a time without an offset is taken as UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        if (text.Length is >= 10 and <= 40 && char.IsAsciiDigit(text[0]) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time) &&
            time.Year is >= 1900 and <= 9000)
        {
            return true;
        }
        time = default;
        return false;
    }

    static string? Json(JsonElement e, string field, int? index, List<PayloadError> errors)
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PayloadError(index, field, $"must be a JSON object, found {Describe(value.ValueKind)}."));
            return null;
        }
        return value.GetRawText();
    }

    static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    static string Quote(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length > 60 ? raw[..57] + "..." : raw;
    }

    static string FirstSentence(string message)
    {
        foreach (var marker in (ReadOnlySpan<string>)[" LineNumber:", " Path:"])
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message.TrimEnd();
    }

    static InvalidPayloadException Invalid(string title, params PayloadError[] errors) => new(title, errors);

    /// <summary>Members a batch may set once for all its events (Segment: context, integrations, sentAt).</summary>
    sealed record SharedFields(string? Context, string? Integrations, DateTimeOffset? SentAt)
    {
        public static readonly SharedFields None = new(null, null, null);

        /// <summary>The envelope's members that are kept (compared with the names as sent, escapes undone).</summary>
        public static readonly string[] Names = ["context", "integrations", "sentAt"];

        public static SharedFields From(JsonElement root, List<PayloadError> errors) => new(
            Json(root, "context", null, errors),
            Json(root, "integrations", null, errors),
            Time(root, "sentAt", null, errors));
    }
}
