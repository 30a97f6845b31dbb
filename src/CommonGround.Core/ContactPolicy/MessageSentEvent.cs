using System.Globalization;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.Events;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// Reads the "Message Sent" track event that sending tools report through ingestion, so messages
/// sent outside a real-time decision count too. Properties (snake_case or camelCase):
/// campaign_id, campaign_name, team, channel ("email", "sms", "direct_mail", ...), category
/// ("marketing" by default), priority, expected_value, reservation_id ("r12-3", confirmed instead of
/// counted twice). A campaign the directory knows may send its id alone. Stateless and thread-safe.
/// </summary>
public static class MessageSentEvent
{
    public const string EventName = "Message Sent";

    public static bool Is(TrackedEvent e) =>
        e.Type == EventType.Track && string.Equals(e.Name?.Trim(), EventName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The sent message an event reports, for the profile the event resolved to.</summary>
    /// <exception cref="ContactRequestException">It is not a "Message Sent" event, or a property is missing or unreadable; the message names it.</exception>
    public static SentMessage Read(TrackedEvent e, ProfileId profile, CampaignDirectory known, string? household = null, string? timeZone = null)
    {
        if (!Is(e)) throw new ContactRequestException($"'{e.Name}' is not a \"{EventName}\" track event.");
        using var json = JsonDocument.Parse(string.IsNullOrEmpty(e.Properties) ? "{}" : e.Properties);
        var properties = json.RootElement;
        if (properties.ValueKind != JsonValueKind.Object) throw new ContactRequestException("properties: must be an object.");

        var id = Text(properties, "campaign_id", "campaignId") ?? throw new ContactRequestException("properties.campaign_id: is missing; the ledger counts messages by campaign.");
        var before = known.Find(id);
        string Required(string snake, string camel, string? fallback) =>
            Text(properties, snake, camel) ?? fallback ?? throw new ContactRequestException($"properties.{snake}: is missing and campaign '{id}' is not known yet.");

        var channelText = Required("channel", "channel", before is null ? null : ContactPolicyJson.Name(before.Channel));
        var categoryText = Text(properties, "category", "category");
        var reservationText = Text(properties, "reservation_id", "reservationId");
        ReservationId? reservation = null;
        if (reservationText is not null)
        {
            if (!ReservationId.TryParse(reservationText, out var parsed))
                throw new ContactRequestException($"properties.reservation_id: '{reservationText}' is not a reservation id such as \"r12-3\".");
            reservation = parsed;
        }
        var facts = new CampaignFacts(
            id,
            Required("campaign_name", "campaignName", before?.Name),
            Required("team", "team", before?.Team),
            Parse<Channel>(channelText, "channel"),
            categoryText is null ? before?.Category ?? CampaignCategory.Marketing : Parse<CampaignCategory>(categoryText, "category"),
            Number(properties, "priority", "priority") is { } priority ? (int)priority : before?.Priority ?? CampaignRules.DefaultPriority,
            Number(properties, "expected_value", "expectedValue") ?? before?.ExpectedValue ?? 0m);
        return new SentMessage(profile, facts, e.Timestamp, household, timeZone, reservation);
    }

    static string? Text(JsonElement properties, string snake, string camel)
    {
        foreach (var name in (ReadOnlySpan<string>)[snake, camel])
        {
            if (properties.TryGetProperty(name, out var value))
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(text)) return text.Trim();
            }
        }
        return null;
    }

    static decimal? Number(JsonElement properties, string snake, string camel)
    {
        var text = Text(properties, snake, camel);
        if (text is null) return null;
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ContactRequestException($"properties.{snake}: '{text}' is not a number.");
    }

    /// <summary>Matches an enum name ignoring case, spaces, hyphens and underscores ("direct_mail" is directMail).</summary>
    static T Parse<T>(string text, string what) where T : struct, Enum
    {
        var key = new string(text.Where(char.IsLetterOrDigit).ToArray());
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(value.ToString(), key, StringComparison.OrdinalIgnoreCase)) return value;
        }
        var names = Enum.GetValues<T>().Select(v => ContactPolicyJson.Name(v)).ToList();
        throw new ContactRequestException($"properties.{what}: '{text}' is not a {what}; use {Words.List(names, "or")}.");
    }
}
