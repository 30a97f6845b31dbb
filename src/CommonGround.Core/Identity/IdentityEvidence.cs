using System.Text.Json;
using CommonGround.Events;
using CommonGround.Records;

namespace CommonGround.Identity;

/// <summary>
/// Where an observation came from: an event (source id + messageId) or a record (source id + natural
/// key). Lets an operator find the exact call or row that joined or split two profiles.
/// </summary>
public sealed record EvidenceReference(EvidenceKind Kind, string SourceId, string Key)
{
    public static EvidenceReference Event(string sourceId, string messageId) => new(EvidenceKind.Event, sourceId, messageId);

    public static EvidenceReference Record(string sourceId, string key) => new(EvidenceKind.Record, sourceId, key);

    public override string ToString() => (Kind == EvidenceKind.Event ? "event:" : "record:") + SourceId + "/" + Key;
}

public enum EvidenceKind
{
    Event,
    Record,
}

/// <summary>
/// One observation for the identity graph: raw identifiers that were seen together, the evidence that
/// shows it, and when. Seeing identifiers together is the only reason the graph joins them.
/// </summary>
/// <remarks>
/// Identifiers are raw: the graph normalises them and ignores junk. Immutable; safe to share.
/// </remarks>
public sealed record IdentityEvidence(EvidenceReference Reference, DateTimeOffset Time, IReadOnlyList<ObservedIdentifier> Identifiers)
{
    /// <summary>
    /// The identifiers of a Segment call: userId, anonymousId, previousId (alias), traits.email and
    /// traits.phone (identify), context.traits.email and context.traits.phone, context.device.id.
    /// </summary>
    /// <remarks>
    /// previousId is read as an anonymousId: Segment's alias is mostly used to join the anonymous
    /// history to the user who signed up. An alias from one userId to another therefore does not merge
    /// two userIds; with the default limit of one userId per profile that merge would be refused anyway.
    /// The time is the event's skew-corrected timestamp. JSON that is not an object is ignored.
    /// </remarks>
    public static IdentityEvidence From(TrackedEvent e)
    {
        var ids = new List<ObservedIdentifier>(4);
        if (e.UserId is not null) ids.Add(new(IdentifierTypes.UserId, e.UserId));
        if (e.AnonymousId is not null) ids.Add(new(IdentifierTypes.AnonymousId, e.AnonymousId));
        if (e.Type == EventType.Alias && e.PreviousId is not null) ids.Add(new(IdentifierTypes.AnonymousId, e.PreviousId));
        if (e.Traits is { Length: > 2 } traits) AddTraits(ids, traits, null);
        if (e.Context is { Length: > 2 } context) AddContext(ids, context);
        return new IdentityEvidence(EvidenceReference.Event(e.SourceId, e.MessageId), e.Timestamp, ids);
    }

    /// <summary>
    /// The identifiers of a customer record: its customer id as <paramref name="customerIdType"/>
    /// (external id by default, scoped by source as "sourceId:customerId" because two systems reuse the
    /// same numbers), its e-mail and its phone.
    /// </summary>
    public static IdentityEvidence From(CustomerRecord record, DateTimeOffset observedAt, string customerIdType = IdentifierTypes.ExternalId)
    {
        var ids = new List<ObservedIdentifier>(3) { new(customerIdType, record.SourceId + ":" + record.CustomerId) };
        if (record.Email is not null) ids.Add(new(IdentifierTypes.Email, record.Email));
        if (record.Phone is not null) ids.Add(new(IdentifierTypes.Phone, record.Phone));
        return new IdentityEvidence(EvidenceReference.Record(record.SourceId, record.CustomerId), observedAt, ids);
    }

    static void AddContext(List<ObservedIdentifier> ids, string json)
    {
        // Most contexts name neither member: parsing them was a large part of resolving an event. A member's
        // name can only be spelt otherwise with a \u escape.
        if (!json.Contains("\"traits\"", StringComparison.Ordinal) && !json.Contains("\"device\"", StringComparison.Ordinal)
            && !json.Contains("\\u", StringComparison.Ordinal))
            return;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return;
            if (doc.RootElement.TryGetProperty("traits", out var traits) && traits.ValueKind == JsonValueKind.Object)
                AddTraits(ids, null, traits);
            if (doc.RootElement.TryGetProperty("device", out var device) && device.ValueKind == JsonValueKind.Object
                && Text(device, "id") is { } deviceId)
                ids.Add(new(IdentifierTypes.DeviceId, deviceId));
        }
        catch (JsonException)
        {
            // Stored events were validated on the way in; a malformed member simply contributes nothing.
        }
    }

    static void AddTraits(List<ObservedIdentifier> ids, string? json, JsonElement? element)
    {
        if (json is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                AddTraits(ids, null, doc.RootElement);
            }
            catch (JsonException)
            {
                // See AddContext.
            }
            return;
        }
        var traits = element!.Value;
        if (traits.ValueKind != JsonValueKind.Object) return;
        if (Text(traits, "email") is { } email) AddOnce(ids, new(IdentifierTypes.Email, email));
        if (Text(traits, "phone") is { } phone) AddOnce(ids, new(IdentifierTypes.Phone, phone));
    }

    static void AddOnce(List<ObservedIdentifier> ids, ObservedIdentifier id)
    {
        if (!ids.Contains(id)) ids.Add(id);
    }

    static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
