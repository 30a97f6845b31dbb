using CommonGround.Catalog;

namespace CommonGround.Import;

/// <summary>
/// Counts the fields of the records built since the last <see cref="Drain"/>, per dataset, as catalog
/// observations. Not thread-safe.
/// </summary>
public sealed class CatalogTally
{
    readonly Dictionary<CatalogFieldKey, (string ValueType, long Count)> fields = [];

    public void Add(DataType dataType, string dataset, string field, string valueType)
    {
        var key = new CatalogFieldKey(dataType, dataset, field);
        fields[key] = fields.TryGetValue(key, out var seen)
            ? (seen.ValueType == valueType || valueType == "null" ? seen.ValueType : valueType, seen.Count + 1)
            : (valueType, 1);
    }

    /// <summary>The observations counted so far, for a source of <paramref name="team"/>; the tally starts again empty.</summary>
    public IReadOnlyCollection<CatalogObservation> Drain(string team, DateTimeOffset seenAt)
    {
        var observations = fields
            .Select(f => new CatalogObservation(f.Key, f.Value.ValueType, team, PersonalFields.LooksPersonal(f.Key.Field),
                f.Value.Count, seenAt))
            .ToList();
        fields.Clear();
        return observations;
    }
}

/// <summary>Guesses from a field's name whether it holds personal data; a person confirms it in the catalog.</summary>
public static class PersonalFields
{
    static readonly string[] Contains =
    [
        "email", "phone", "mobile", "firstname", "lastname", "givenname", "surname", "familyname", "fullname",
        "middlename", "maidenname", "address", "street", "postcode", "postalcode", "zipcode", "birth", "dateofbirth",
        "socsec", "socialsecurity", "ssn", "passport", "nationalid", "taxid", "iban", "ipaddress", "customerid",
        "userid", "anonymousid", "previousid", "deviceid", "latitude", "longitude",
    ];

    static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        "name", "ip", "zip", "dob", "birthday", "fax", "gender", "age", "lat", "lon", "lng",
    };

    /// <summary>True for names such as email, phone, first_name, address_1, postcode, date_of_birth, ip, customer_id.</summary>
    public static bool LooksPersonal(string field)
    {
        // "traits.given_name" is judged by "given_name".
        var name = field[(field.LastIndexOf('.') + 1)..];
        var normalized = new string([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        var letters = normalized.TrimEnd("0123456789".ToCharArray());
        return Exact.Contains(letters) || Contains.Any(normalized.Contains);
    }
}
