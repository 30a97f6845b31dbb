using System.Collections.Concurrent;
using CommonGround.Events;

namespace CommonGround.Profiles;

/// <summary>
/// The channel a person used, read from what a team's source sent: pages are web, screens are the
/// app, and track events name their channel ("Email Opened", "SMS Clicked", "Call Completed",
/// "Social Ad Clicked", "Ad Impression"). A channel given in the event's properties wins.
/// </summary>
public static class Channels
{
    static readonly (string Word, string Channel)[] Words =
    [
        ("email", "email"), ("newsletter", "email"), ("sms", "sms"), ("text message", "sms"), ("push", "push"),
        ("call", "phone"), ("phone", "phone"), ("social", "social"), ("direct mail", "direct mail"),
        ("catalogue", "direct mail"), ("ad", "ads"), ("store", "store"), ("order", "web"),
        ("cart", "web"), ("product", "web"), ("checkout", "web"),
    ];

    /// <summary>The channel of an event, or null when nothing says.</summary>
    /// <param name="propertyChannel">The event's properties.channel, when it has one.</param>
    public static string? Of(EventType type, string? name, string? propertyChannel)
    {
        if (!string.IsNullOrWhiteSpace(propertyChannel) && type == EventType.Track && !IsConsent(name))
            return propertyChannel.Trim().ToLowerInvariant() switch
            {
                "online" => "web",
                var other => other,
            };
        switch (type)
        {
            case EventType.Page: return "web";
            case EventType.Screen: return "app";
            case EventType.Track when name is not null:
                // Refreshing traits asks this for every event; a workspace has few event names.
                if (ByName.TryGetValue(name, out var known)) return known;
                var found = OfName(name);
                if (ByName.Count < MaxNames) ByName.TryAdd(name, found);
                return found;
            default: return null;
        }
    }

    const int MaxNames = 10_000;
    static readonly ConcurrentDictionary<string, string?> ByName = new(StringComparer.Ordinal);

    /// <summary>The channel a track event's name says.</summary>
    static string? OfName(string name)
    {
        var lower = name.ToLowerInvariant();
        foreach (var (word, channel) in Words)
        {
            if (word == "ad" ? IsWord(lower, "ad") : lower.Contains(word, StringComparison.Ordinal))
                return channel;
        }
        return null;
    }

    static bool IsWord(string text, string word) =>
        text == word || text.StartsWith(word + " ", StringComparison.Ordinal) || text.Contains(" " + word + " ", StringComparison.Ordinal)
        || text.EndsWith(" " + word, StringComparison.Ordinal);

    static bool IsConsent(string? name) => name is not null && name.Contains("consent", StringComparison.OrdinalIgnoreCase);
}
