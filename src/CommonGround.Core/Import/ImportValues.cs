using System.Globalization;
using System.Text.RegularExpressions;

namespace CommonGround.Import;

/// <summary>
/// How file values become typed fields. Numbers are parsed invariantly (a dot for decimals, no
/// thousands separators). Dates are ISO 8601, yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, yyyyMMdd or Unix
/// seconds (12 digits and more: Unix milliseconds); a time without an offset is UTC.
/// </summary>
public static partial class ImportValues
{
    public const string DateFormats =
        "ISO 8601 (2024-05-01T10:00:00Z), yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, yyyyMMdd or Unix seconds";

    static readonly string[] ExactFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    /// <summary>The value as trimmed text; null for null or empty.</summary>
    public static string? Text(object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s.Trim(),
            DateTimeOffset t => Format(t),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()?.Trim(),
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static bool TryNumber(object? value, out decimal number)
    {
        switch (value)
        {
            case long l: number = l; return true;
            case decimal m: number = m; return true;
            case double d when double.IsFinite(d) && Math.Abs(d) < 7.9e28: number = (decimal)d; return true;
            case string s:
                return decimal.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default: number = 0; return false;
        }
    }

    public static bool TryDate(object? value, out DateTimeOffset date)
    {
        switch (value)
        {
            case DateTimeOffset t: date = t.ToUniversalTime(); return true;
            case long l: return TryUnix(l, out date);
            case decimal m when m == decimal.Truncate(m) && Math.Abs(m) < long.MaxValue: return TryUnix((long)m, out date);
            case string s: return TryDateText(s.Trim(), out date);
            default: date = default; return false;
        }
    }

    static bool TryDateText(string s, out DateTimeOffset date)
    {
        date = default;
        if (s.Length == 0) return false;
        if (s.All(char.IsAsciiDigit) || (s[0] == '-' && s.Length > 1 && s[1..].All(char.IsAsciiDigit)))
        {
            // Eight digits are a yyyyMMdd date, never Unix seconds (those would be in 1970 or 1973).
            if (s.Length == 8)
            {
                if (!DateTimeOffset.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
                    return false;
                date = date.ToUniversalTime();
                return true;
            }
            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unix) && TryUnix(unix, out date);
        }
        if (!IsoDate().IsMatch(s)) return false;
        if (DateTimeOffset.TryParseExact(s, ExactFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date)
            || DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            date = date.ToUniversalTime();
            return true;
        }
        return false;
    }

    static bool TryUnix(long value, out DateTimeOffset date)
    {
        date = default;
        try
        {
            // Twelve digits and more are milliseconds: seconds that large are past the year 5000.
            date = Math.Abs(value) >= 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(value) : DateTimeOffset.FromUnixTimeSeconds(value);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>A trimmed, lower-cased e-mail address when it looks like one (local part, @, a dotted domain).</summary>
    public static bool TryEmail(string text, out string email)
    {
        email = text.Trim().ToLowerInvariant();
        return email.Length <= 254 && Email().IsMatch(email);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^[^@\s""(),:;<>\[\]\\]+@[a-z0-9\p{L}](?:[a-z0-9\p{L}-]*[a-z0-9\p{L}])?(?:\.[a-z0-9\p{L}](?:[a-z0-9\p{L}-]*[a-z0-9\p{L}])?)+$")]
    private static partial Regex Email();
}
