using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace CommonGround.Profiles;

/// <summary>
/// Where a page of a timeline ended: the last entry's time, reference, kind and source. The next page
/// holds the entries that come after it in timeline order (time, then reference, kind and source, all
/// descending), so entries that share a time are never skipped or repeated at a page edge.
/// </summary>
/// <remarks>Shown to clients as an opaque URL-safe token (<see cref="ToString"/>). Immutable.</remarks>
public sealed record TimelineCursor(DateTimeOffset At, string Reference, string Kind, string SourceId)
{
    /// <summary>The cursor just after an entry.</summary>
    public static TimelineCursor After(TimelineEntry entry) => new(entry.At, entry.Reference, entry.Kind, entry.SourceId);

    /// <summary>Everything strictly older than <paramref name="time"/>: no entry's reference sorts below "".</summary>
    public static TimelineCursor Before(DateTimeOffset time) => new(time, "", "", "");

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Join('\n', At.UtcTicks.ToString(CultureInfo.InvariantCulture), Reference, Kind, SourceId)));

    public static bool TryParse(string? token, out TimelineCursor cursor)
    {
        cursor = Before(DateTimeOffset.MinValue);
        if (string.IsNullOrEmpty(token)) return false;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
            if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
            cursor = new TimelineCursor(new DateTimeOffset(ticks, TimeSpan.Zero), parts[1], parts[2], parts[3]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
