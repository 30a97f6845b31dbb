namespace CommonGround.Profiles;

/// <summary>Time zone names as people and devices send them, checked against the system's IANA database.</summary>
public static class TimeZones
{
    /// <summary>
    /// The IANA id of a zone named by its IANA id (<c>Europe/Amsterdam</c>), as Segment's libraries
    /// send it; null for anything else (offsets, Windows ids, typos), so a typo never becomes a zone.
    /// </summary>
    public static string? Known(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64) return null;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(name.Trim(), out var zone)) return null;
        return zone.HasIanaId ? zone.Id : null;
    }
}
