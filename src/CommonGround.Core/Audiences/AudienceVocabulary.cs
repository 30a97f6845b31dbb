using CommonGround.Catalog;

namespace CommonGround.Audiences;

/// <summary>
/// The names an audience may use in one workspace: person, household and business traits, events
/// and their properties, identifier types and other audiences. The validator checks rules against
/// it; the UI builder offers its names to pick from. Immutable and thread-safe once built.
/// </summary>
public sealed class AudienceVocabulary
{
    /// <summary>Datasets of the catalog that are not track events.</summary>
    static readonly HashSet<string> NotEvents = new(["identify", "group", "alias", "page", "screen", "customers"], StringComparer.Ordinal);

    /// <param name="catalog">The workspace's data catalog.</param>
    /// <param name="computedTraits">Person traits that exist without a catalog field; usually <see cref="AudienceValidator.ComputedTraits"/>.</param>
    /// <param name="audiences">The names of the workspace's audiences.</param>
    /// <param name="identifierTypes">Configured identifier types; <see cref="AudienceValidator.IdentifierTypeNames"/> when null.</param>
    public AudienceVocabulary(
        IReadOnlyList<CatalogField> catalog,
        IReadOnlyCollection<string> computedTraits,
        IReadOnlyCollection<string> audiences,
        IReadOnlyCollection<string>? identifierTypes = null)
    {
        PersonTraits = [.. computedTraits.Concat(catalog
            .Where(f => f.Key.DataType == DataType.Profile && f.Key.Dataset is "identify" or "customers")
            .Select(f => TraitName(f.Key.Field))).Distinct(StringComparer.Ordinal)];
        BusinessTraits = [.. AudienceValidator.BusinessTraits.Concat(catalog
            .Where(f => f.Key.DataType == DataType.Profile && f.Key.Dataset == "group")
            .Select(f => TraitName(f.Key.Field))).Distinct(StringComparer.Ordinal)];
        Events = catalog.Where(f => !NotEvents.Contains(f.Key.Dataset))
            .GroupBy(f => f.Key.Dataset, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<CatalogField>)[.. g], StringComparer.Ordinal);
        Audiences = audiences;
        IdentifierTypes = identifierTypes ?? AudienceValidator.IdentifierTypeNames;
    }

    /// <summary>Computed traits first, then the fields of identify calls and customer records, without "traits.".</summary>
    public IReadOnlyList<string> PersonTraits { get; }

    public IReadOnlyList<string> HouseholdTraits => AudienceValidator.HouseholdTraits;

    /// <summary>The built-in business traits, then the traits of group calls.</summary>
    public IReadOnlyList<string> BusinessTraits { get; }

    /// <summary>Track events that have arrived, each with its catalog fields.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CatalogField>> Events { get; }

    public IReadOnlyCollection<string> Audiences { get; }

    public IReadOnlyCollection<string> IdentifierTypes { get; }

    /// <summary>The traits of one level, in the order above.</summary>
    public IReadOnlyList<string> TraitsOf(TraitLevel level) => level switch
    {
        TraitLevel.Household => HouseholdTraits,
        TraitLevel.Business => BusinessTraits,
        _ => PersonTraits,
    };

    /// <summary>The event's properties (without "properties.") that hold numbers, for sum, avg, min and max; empty for an unknown event.</summary>
    public IReadOnlyList<string> NumberProperties(string eventName) =>
        Events.TryGetValue(eventName, out var fields)
            ? [.. fields.Where(f => f.ValueType == "number" && f.Key.Field.StartsWith("properties.", StringComparison.Ordinal)).Select(f => f.Key.Field[11..]).Order(StringComparer.Ordinal)]
            : [];

    static string TraitName(string field) => field.StartsWith("traits.", StringComparison.Ordinal) ? field[7..] : field;
}
