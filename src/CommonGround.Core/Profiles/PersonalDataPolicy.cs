using System.Text.Json;
using System.Text.Json.Nodes;
using CommonGround.Catalog;
using CommonGround.Identity;

namespace CommonGround.Profiles;

/// <summary>
/// Which personal fields one caller may read, decided by the data catalog: a field marked personal is
/// readable by its owning team, by the teams it is shared with, and by admins; to everyone else it is
/// shown as <see cref="Redacted"/>. Fields the catalog does not know yet are judged by their name and
/// treated as personal when they look it, so new data is never shown by default.
/// </summary>
/// <remarks>Immutable once built; safe to share across threads.</remarks>
public sealed class PersonalDataPolicy
{
    /// <summary>What a caller sees in place of a value it may not read.</summary>
    public const string Redacted = "[redacted]";

    readonly string? _team;
    readonly Dictionary<CatalogFieldKey, bool> _readable;
    readonly HashSet<string> _hiddenLeaves;
    readonly HashSet<string> _sharedLeaves;

    PersonalDataPolicy(string? team, Dictionary<CatalogFieldKey, bool> readable, HashSet<string> hiddenLeaves, HashSet<string> sharedLeaves)
    {
        _team = team;
        _readable = readable;
        _hiddenLeaves = hiddenLeaves;
        _sharedLeaves = sharedLeaves;
    }

    /// <summary>For admins: everything is readable.</summary>
    public static PersonalDataPolicy Everything { get; } = new(null, [], [], []);

    /// <summary>True for <see cref="Everything"/>.</summary>
    public bool ReadsEverything => _team is null;

    /// <summary>The policy of one team, from the whole catalog.</summary>
    public static PersonalDataPolicy ForTeam(string team, IEnumerable<CatalogField> catalog)
    {
        var readable = new Dictionary<CatalogFieldKey, bool>();
        var hiddenLeaves = new HashSet<string>(StringComparer.Ordinal);
        var sharedLeaves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in catalog)
        {
            var canRead = !field.Personal || MayRead(field, team);
            readable[field.Key] = canRead;
            if (!canRead) hiddenLeaves.Add(Leaf(field.Key.Field));
            else if (field.Personal) sharedLeaves.Add(Leaf(field.Key.Field));
        }
        return new PersonalDataPolicy(team, readable, hiddenLeaves, sharedLeaves);
    }

    static bool MayRead(CatalogField field, string team) =>
        string.Equals(field.OwnerTeam, team, StringComparison.OrdinalIgnoreCase)
        || field.SharedWith.Any(t => t == "*" || string.Equals(t, team, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the caller may read one field of one dataset.</summary>
    public bool CanRead(CatalogFieldKey key)
    {
        if (_team is null) return true;
        return _readable.TryGetValue(key, out var canRead) ? canRead : !PersonalData.LooksPersonal(key.Field);
    }

    /// <summary>
    /// Whether the caller may see values of an identifier type. Identifiers do not say which source
    /// sent them, so the type decides: readable when the team may read some personal field carrying
    /// such values (same field name: it owns one, or one is shared with it); otherwise only when the
    /// name is not personal-looking and no field carrying it is hidden from the team.
    /// </summary>
    public bool CanReadIdentifier(string type)
    {
        if (_team is null) return true;
        var leaf = type == IdentifierTypes.DeviceId ? "id" : Normalise(type);
        if (_sharedLeaves.Contains(leaf)) return true;
        return !_hiddenLeaves.Contains(leaf) && !PersonalData.LooksPersonal(type);
    }

    /// <summary>The profile with every value the caller may not read replaced by <see cref="Redacted"/>.</summary>
    public Profile Redact(Profile profile)
    {
        if (_team is null) return profile;
        return profile with
        {
            DisplayName = CanRead(Customers("first_name")) && CanRead(Customers("last_name")) ? profile.DisplayName : Redacted,
            Identifiers = [.. profile.Identifiers.Select(Redact)],
            Records = [.. profile.Records.Select(Redact)],
            Merges = [.. profile.Merges.Select(m => m with { Identifier = Redact(m.Identifier) })],
            Conflicts = [.. profile.Conflicts.Select(c => c with { Identifier = Redact(c.Identifier) })],
            Household = profile.Household is { } h && !CanRead(Customers("address_line")) ? h with { Address = Redacted } : profile.Household,
        };
    }

    public Identifier Redact(Identifier identifier) =>
        CanReadIdentifier(identifier.Type) ? identifier : identifier with { Value = Redacted };

    public ProfileSummary Redact(ProfileSummary summary) => _team is null ? summary : summary with
    {
        DisplayName = summary.DisplayName is null || (CanRead(Customers("first_name")) && CanRead(Customers("last_name"))) ? summary.DisplayName : Redacted,
        Email = summary.Email is null || CanReadIdentifier(IdentifierTypes.Email) ? summary.Email : Redacted,
    };

    public Household Redact(Household household) => _team is null ? household : household with
    {
        Address = household.Address is null || CanRead(Customers("address_line")) ? household.Address : Redacted,
        Members = [.. household.Members.Select(Redact)],
    };

    public Business Redact(Business business) => _team is null ? business : business with
    {
        Members = [.. business.Members.Select(m => m with { Profile = Redact(m.Profile) })],
    };

    ProfileRecord Redact(ProfileRecord r) => r with
    {
        Email = Hide(r.Email, "email"),
        Phone = Hide(r.Phone, "phone"),
        FirstName = Hide(r.FirstName, "first_name"),
        LastName = Hide(r.LastName, "last_name"),
        AddressLine = Hide(r.AddressLine, "address_line"),
        PostalCode = Hide(r.PostalCode, "postal_code"),
        City = Hide(r.City, "city"),
        Country = Hide(r.Country, "country"),
        Company = Hide(r.Company, "company"),
        Traits = RedactJson(r.Traits, DataType.Profile, "customers", ""),
    };

    string? Hide(string? value, string column) => value is null || CanRead(Customers(column)) ? value : Redacted;

    /// <summary>A timeline entry with the personal fields of its details redacted.</summary>
    public TimelineEntry Redact(TimelineEntry entry)
    {
        if (_team is null || entry.Details is null) return entry;
        var (dataType, dataset, prefix) = entry.Kind switch
        {
            "customer" => (DataType.Profile, "customers", ""),
            "order" => (DataType.Transactional, "orders", ""),
            _ when Events.EventTypes.TryParse(entry.Kind, out var type) => Classified(type, entry),
            _ => (DataType.Behavioural, entry.Kind, ""),
        };
        return entry with { Details = RedactJson(entry.Details, dataType, dataset, prefix) };
    }

    static (DataType, string, string) Classified(Events.EventType type, TimelineEntry entry)
    {
        var (dataType, dataset) = CatalogClassifier.Classify(type, type == Events.EventType.Track ? entry.Title : null);
        var prefix = type is Events.EventType.Identify or Events.EventType.Group ? "traits." : "properties.";
        return (dataType, dataset, prefix);
    }

    string? RedactJson(string? json, DataType dataType, string dataset, string prefix)
    {
        if (_team is null || json is null) return json;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }
        if (root is not JsonObject obj) return json;
        RedactObject(obj, dataType, dataset, prefix, 1);
        return obj.ToJsonString();
    }

    void RedactObject(JsonObject obj, DataType dataType, string dataset, string prefix, int depth)
    {
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var path = prefix + name;
            if (obj[name] is JsonObject child && depth < 3)
                RedactObject(child, dataType, dataset, path + ".", depth + 1);
            else if (!CanRead(new CatalogFieldKey(dataType, dataset, path)))
                obj[name] = Redacted;
        }
    }

    static CatalogFieldKey Customers(string column) => new(DataType.Profile, "customers", column);

    static string Leaf(string path) => Normalise(path[(path.LastIndexOf('.') + 1)..]);

    static string Normalise(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
}
