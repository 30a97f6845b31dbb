namespace CommonGround.Catalog;

/// <summary>
/// The first guess at whether a field holds personal data, from its name and, when there is one, a
/// sample value. A person confirms or corrects it in the catalog; the guess errs on the side of
/// "personal". Used for arriving events and imported files alike.
/// </summary>
public static class PersonalData
{
    /// <summary>Names that are personal wherever they appear inside a field's last segment.</summary>
    static readonly string[] Contained =
    [
        "email", "phone", "mobile", "firstname", "lastname", "givenname", "surname", "familyname", "fullname",
        "middlename", "maidenname", "username", "address", "street", "postcode", "postalcode", "zipcode", "birth",
        "socsec", "socialsecurity", "passport", "nationalid", "taxid", "iban", "creditcard", "cardnumber",
        "customerid", "userid", "anonymousid", "previousid", "deviceid", "advertisingid", "latitude", "longitude",
    ];

    /// <summary>Short names that are personal only as the whole segment ("ip", not "zip_code_ip_range"...).</summary>
    static readonly HashSet<string> Whole = new(StringComparer.Ordinal)
    {
        "ip", "zip", "dob", "ssn", "fax", "gender", "age", "lat", "lon", "lng", "idfa", "idfv", "adid", "telephone",
    };

    /// <summary>
    /// True when the last segment of <paramref name="path"/> names personal data (trailing digits ignored,
    /// so address_1 counts), or the sample value looks like an e-mail address or a phone number.
    /// </summary>
    public static bool LooksPersonal(string path, string? sample = null)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        var normalised = Normalise(leaf);
        var letters = normalised.TrimEnd("0123456789".ToCharArray());
        if (Whole.Contains(letters) || Contained.Any(normalised.Contains)) return true;
        // "name" alone is personal on a person or a customer record, not on a product or a page.
        if (letters == "name" && !path.StartsWith("properties.", StringComparison.Ordinal)) return true;
        return sample is not null && (LooksLikeEmail(sample) || LooksLikePhone(sample));
    }

    static string Normalise(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 64)];
        var n = 0;
        foreach (var c in name)
        {
            if (n == buffer.Length) break;
            if (char.IsLetterOrDigit(c)) buffer[n++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..n]);
    }

    public static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@');
        return at > 0 && at < value.Length - 3 && value.IndexOf('.', at) > at + 1 && !value.Contains(' ') && value.Length < 320;
    }

    static bool LooksLikePhone(string value)
    {
        if (value.Length is < 8 or > 20 || value[0] is not ('+' or '(' or '0')) return false;
        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (c is not (' ' or '-' or '(' or ')' or '+' or '.')) return false;
        }
        return digits is >= 8 and <= 15;
    }
}
