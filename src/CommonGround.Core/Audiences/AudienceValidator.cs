using CommonGround.Catalog;
using CommonGround.Identity;

namespace CommonGround.Audiences;

/// <summary>
/// Checks a definition against what the workspace knows before it runs: traits, events and event
/// properties against the data catalog, computed traits, other audiences by name, identifier types.
/// Each error points at the text when the definition was parsed (<see cref="AudienceDefinition.Source"/>)
/// and suggests the closest known name. Stateless and thread-safe.
/// </summary>
public static class AudienceValidator
{
    /// <summary>The person-level traits every profile has, computed from events and records (see <c>ProfileTraits</c>).</summary>
    public static IReadOnlyList<string> ComputedTraits { get; } =
        ["first_seen", "last_seen", "event_count", "order_count", "revenue", "currency", "channels"];

    /// <summary>The traits of a household (<c>HouseholdTraits</c>) and its size.</summary>
    public static IReadOnlyList<string> HouseholdTraits { get; } = ["members", "order_count", "revenue", "last_seen"];

    /// <summary>The fields of a business and its size; a business also has the traits of its group calls.</summary>
    public static IReadOnlyList<string> BusinessTraits { get; } = ["members", "name", "domain"];

    /// <summary>The identifier types out of the box (<see cref="IdentifierTypes"/>).</summary>
    public static IReadOnlyList<string> IdentifierTypeNames { get; } =
        [IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.UserId, IdentifierTypes.AnonymousId, IdentifierTypes.DeviceId, IdentifierTypes.LoyaltyId, IdentifierTypes.ExternalId];

    /// <summary>Traits whose type is known without the catalog: dates and numbers, by level.</summary>
    static readonly Dictionary<(TraitLevel, string), bool> IsDateTrait = new()
    {
        [(TraitLevel.Person, "first_seen")] = true,
        [(TraitLevel.Person, "last_seen")] = true,
        [(TraitLevel.Household, "last_seen")] = true,
        [(TraitLevel.Person, "event_count")] = false,
        [(TraitLevel.Person, "order_count")] = false,
        [(TraitLevel.Person, "revenue")] = false,
        [(TraitLevel.Household, "order_count")] = false,
        [(TraitLevel.Household, "revenue")] = false,
        [(TraitLevel.Household, "members")] = false,
        [(TraitLevel.Business, "members")] = false,
    };

    /// <summary>Every problem found, in the order of the rule; empty when the definition can run.</summary>
    /// <param name="computedTraits">Person traits that exist without a catalog field; usually <see cref="ComputedTraits"/>.</param>
    /// <param name="audiences">The names of the workspace's other audiences.</param>
    /// <param name="identifierTypes">Configured identifier types; <see cref="IdentifierTypeNames"/> when null.</param>
    public static IReadOnlyList<AudienceError> Validate(
        AudienceDefinition definition,
        IReadOnlyList<CatalogField> catalog,
        IReadOnlyCollection<string> computedTraits,
        IReadOnlyCollection<string> audiences,
        IReadOnlyCollection<string>? identifierTypes = null) =>
        Validate(definition, new AudienceVocabulary(catalog, computedTraits, audiences, identifierTypes));

    /// <summary>Every problem found, against a vocabulary built once (the UI checks each keystroke with the same one).</summary>
    public static IReadOnlyList<AudienceError> Validate(AudienceDefinition definition, AudienceVocabulary known)
    {
        var errors = new List<AudienceError>();
        Check(definition.Rule, definition.Source, known, errors);
        return errors;
    }

    static void Check(Condition c, SourceMap? source, AudienceVocabulary known, List<AudienceError> errors)
    {
        void Error(object node, string part, string message)
        {
            var span = source?.Find(node, part);
            errors.Add(new AudienceError(span?.Line ?? 0, span?.Column ?? 0, span?.Length ?? 0, message));
        }

        void Trait(TraitRef trait)
        {
            var name = trait.Level == TraitLevel.Person && trait.Name.StartsWith("traits.", StringComparison.Ordinal) ? trait.Name[7..] : trait.Name;
            var candidates = known.TraitsOf(trait.Level);
            if (!AudienceText.IsWord(trait.Name))
                Error(trait, "", $"'{trait.Name}' is not a trait name: use letters, digits and underscores, with dots for nested fields");
            else if (!candidates.Contains(name, StringComparer.Ordinal))
                Error(trait, "", $"Unknown {LevelWord(trait.Level)}trait '{trait.Name}'.{Spelling.Suggest(name, candidates)}");
        }

        bool Event(Condition node, string name)
        {
            if (known.Events.ContainsKey(name)) return true;
            Error(node, "event", $"No event \"{name}\" has arrived yet.{Spelling.Suggest(name, known.Events.Keys)}".TrimEnd());
            return false;
        }

        void Window(Condition node, TimeWindow? window)
        {
            var durations = window switch
            {
                InTheLast l => [l.Duration],
                Since { From: AgoValue a } => [a.Duration],
                Before { To: AgoValue a } => [a.Duration],
                Between b => new[] { b.From, b.To }.OfType<AgoValue>().Select(a => a.Duration).ToArray(),
                _ => Array.Empty<Duration>(),
            };
            foreach (var d in durations.Where(d => d.Amount < 1))
                Error(node, "", $"A duration must be at least 1 {d.Unit.ToString().ToLowerInvariant()}");
        }

        // A known date trait takes dates or times ago; a known number trait takes numbers.
        void Typed(Condition node, TraitRef trait, IReadOnlyList<AudienceValue> values)
        {
            if (!IsDateTrait.TryGetValue((trait.Level, trait.Name), out var isDate)) return;
            foreach (var value in values)
            {
                if (isDate && value is not TimeValue)
                    Error(node, "", $"'{trait}' is a date: compare it with a date (2026-01-01) or a time ago (90 days ago)");
                else if (!isDate && value is not NumberValue)
                    Error(node, "", $"'{trait}' is a number: compare it with a number, e.g. {trait} >= 2");
                else continue;
                return;
            }
        }

        switch (c)
        {
            case AndCondition a:
                Check(a.Left, source, known, errors);
                Check(a.Right, source, known, errors);
                break;
            case OrCondition o:
                Check(o.Left, source, known, errors);
                Check(o.Right, source, known, errors);
                break;
            case NotCondition n:
                Check(n.Operand, source, known, errors);
                break;
            case TraitComparison t:
                Trait(t.Trait);
                if (t.Value is AgoValue ago && ago.Duration.Amount < 1) Error(t, "", "A duration must be at least 1");
                Typed(t, t.Trait, [t.Value]);
                break;
            case TraitIn i:
                Trait(i.Trait);
                if (i.Values.Count == 0) Error(i, "", $"The list of values for '{i.Trait}' is empty: give at least one value");
                Typed(i, i.Trait, i.Values);
                break;
            case TraitContains t:
                Trait(t.Trait);
                if (IsDateTrait.ContainsKey((t.Trait.Level, t.Trait.Name)))
                    Error(t, "", $"'{t.Trait}' is not text, so it cannot contain text; compare it with = < > instead");
                break;
            case TraitIsSet s:
                Trait(s.Trait);
                break;
            case TraitInWindow w:
                Trait(w.Trait);
                if (IsDateTrait.TryGetValue((w.Trait.Level, w.Trait.Name), out var isDate) && !isDate)
                    Error(w, "", $"'{w.Trait}' is a number, not a date, so it cannot be in a time window");
                Window(w, w.Window);
                break;
            case EventAggregate a:
                if (Event(a, a.Event) && a.Function != AggregateFunction.Count) Property(a, known.Events[a.Event], Error);
                if (a.Function != AggregateFunction.Count && a.Property is null) Error(a, "", "Say which property to add up, e.g. sum of revenue in \"Order Completed\"");
                Window(a, a.Window);
                break;
            case EventExists e:
                Event(e, e.Event);
                Window(e, e.Window);
                break;
            case EventOccurrence o:
                Event(o, o.Event);
                Window(o, o.Window);
                break;
            case HasIdentifier h when !known.IdentifierTypes.Contains(h.Type, StringComparer.Ordinal):
                Error(h, "identifier", $"Unknown identifier type '{h.Type}'.{Spelling.Suggest(h.Type, known.IdentifierTypes)}");
                break;
            case AudienceMembership m when !known.Audiences.Contains(m.Audience, StringComparer.Ordinal):
                Error(m, "audience", $"No audience is named \"{m.Audience}\".{Spelling.Suggest(m.Audience, known.Audiences)}".TrimEnd());
                break;
            case ConsentGiven g when g.Channel.Length == 0 || g.Purpose.Length == 0:
                Error(g, "", "Consent needs a channel and a purpose, e.g. consent email for marketing");
                break;
        }
    }

    static void Property(EventAggregate a, IReadOnlyList<CatalogField> fields, Action<object, string, string> error)
    {
        var path = a.Property is null ? null : a.Property.StartsWith("properties.", StringComparison.Ordinal) ? a.Property : "properties." + a.Property;
        if (path is null) return;
        var field = fields.FirstOrDefault(f => f.Key.Field == path);
        if (field is null)
        {
            var candidates = fields.Where(f => f.Key.Field.StartsWith("properties.", StringComparison.Ordinal)).Select(f => f.Key.Field[11..]);
            error(a, "property", $"\"{a.Event}\" has no property '{a.Property}'.{Spelling.Suggest(a.Property!, candidates)}");
        }
        else if (field.ValueType != "number")
        {
            error(a, "property", $"'{a.Property}' of \"{a.Event}\" holds {field.ValueType} values, not numbers, so it cannot be added up; choose a number property");
        }
    }

    static string LevelWord(TraitLevel level) => level switch
    {
        TraitLevel.Household => "household ",
        TraitLevel.Business => "business ",
        _ => "",
    };
}
