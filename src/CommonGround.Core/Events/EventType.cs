namespace CommonGround.Events;

/// <summary>The six calls of the Segment spec. Stored lower-case, as Segment writes them.</summary>
public enum EventType
{
    Track,
    Identify,
    Page,
    Screen,
    Group,
    Alias,
}

public static class EventTypes
{
    public static string ToWire(this EventType type) => type switch
    {
        EventType.Track => "track",
        EventType.Identify => "identify",
        EventType.Page => "page",
        EventType.Screen => "screen",
        EventType.Group => "group",
        EventType.Alias => "alias",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? wire, out EventType type)
    {
        switch (wire)
        {
            case "track": type = EventType.Track; return true;
            case "identify": type = EventType.Identify; return true;
            case "page": type = EventType.Page; return true;
            case "screen": type = EventType.Screen; return true;
            case "group": type = EventType.Group; return true;
            case "alias": type = EventType.Alias; return true;
            default: type = default; return false;
        }
    }
}
