namespace CommonGround.Catalog;

/// <summary>
/// The first guess at whether a field holds personal data, from its name and a sample value. A person
/// confirms or corrects it in the catalog; the guess errs on the side of "personal".
/// </summary>
public static class PersonalData
{
    static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "email", "emailaddress", "mail", "phone", "phonenumber", "mobile", "mobilephone", "telephone", "fax",
        "firstname", "lastname", "fullname", "givenname", "surname", "familyname", "middlename", "username",
        "address", "addressline", "address1", "address2", "street", "streetaddress", "streetnumber",
        "postalcode", "postcode", "zip", "zipcode", "birthday", "birthdate", "dateofbirth", "dob",
        "ssn", "socsecid", "socialsecuritynumber", "nationalid", "passport", "taxid",
        "ip", "ipaddress", "userid", "anonymousid", "previousid", "customerid", "deviceid", "advertisingid",
        "idfa", "idfv", "adid", "gender", "latitude", "longitude", "creditcard", "cardnumber", "iban",
    };

    /// <summary>True when <paramref name="path"/>'s last segment names personal data, or the sample value looks like an e-mail address or phone number.</summary>
    public static bool LooksPersonal(string path, string? sample = null)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        var normalised = Normalise(leaf);
        if (Names.Contains(normalised)) return true;
        // "name" alone is personal on a person (traits) but not on a product or a page.
        if (normalised == "name" && (path.StartsWith("traits.", StringComparison.Ordinal) || path.StartsWith("context.traits.", StringComparison.Ordinal)))
            return true;
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
