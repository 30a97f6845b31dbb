using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CommonGround.Records;

/// <summary>
/// A hash of a record's content (every member but the natural key's source), so that a store can tell
/// an identical re-import (unchanged) from an edit (updated) without comparing column by column.
/// </summary>
public static class RecordFingerprint
{
    public static string Of(CustomerRecord c) => Hash(
        c.CustomerId, c.Email, c.Phone, c.FirstName, c.LastName, c.AddressLine, c.PostalCode, c.City,
        c.Country, c.Company, Format(c.CreatedAt), c.Traits);

    public static string Of(OrderRecord o) => Hash(
        o.OrderId, o.CustomerId, Format(o.OrderedAt), o.Total.ToString(CultureInfo.InvariantCulture),
        o.Currency, o.Status, o.Properties);

    static string? Format(DateTimeOffset? at) => at?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    static string Hash(params string?[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ, and null differs from "".
            if (part is null) builder.Append("-1:");
            else builder.Append(part.Length).Append(':').Append(part);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}
