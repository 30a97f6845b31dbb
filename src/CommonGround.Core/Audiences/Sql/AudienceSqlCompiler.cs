using System.Globalization;

namespace CommonGround.Audiences.Sql;

/// <summary>
/// Compiles an audience's rule into one set-based SELECT over the store's audience relations
/// (<see cref="AudienceRelations"/>), in a <see cref="SqlDialect"/>: person traits are columns of
/// <c>profile_traits</c>, event conditions are semi-joins on grouped aggregates of <c>events</c> by
/// their integer <c>profile_id</c>, consent and identifiers are semi-joins on their relations. Every
/// value of the rule is a bound parameter; relative times are resolved against the given moment.
/// </summary>
/// <remarks>
/// Meaning (docs/audiences.md, "Meaning, for the compiler"): every condition is two-valued, so a
/// person without a trait does not match a test of it and matches its negation; a window includes its
/// start and excludes its end; a count or sum over no events is 0, an average, minimum or maximum over
/// none is missing. <c>in audience</c> is compiled inline from the other audience's current rule.
/// Stateless apart from the dialect; thread-safe.
/// </remarks>
public sealed class AudienceSqlCompiler(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    /// <param name="asOf">The moment relative times ("in the last 30 days", "90 days ago") count back from.</param>
    /// <param name="audiences">Another audience's rule by name, for "in audience"; null when there is none.</param>
    /// <exception cref="AudienceCompileException">An unknown audience, or a cycle of audiences.</exception>
    public CompiledAudience Compile(AudienceDefinition definition, DateTimeOffset asOf, Func<string, AudienceDefinition?> audiences)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var context = new Context(Dialect, asOf.ToUniversalTime(), audiences);
        var where = context.Condition(definition.Rule);
        return new CompiledAudience(
            $"SELECT p.profile_id, p.household_id FROM {AudienceRelations.ProfileTraits} p WHERE {where}", context.Parameters);
    }

    /// <summary>The rule's conditions as SQL over <c>profile_traits p</c>, collecting parameters as it goes.</summary>
    sealed class Context(SqlDialect dialect, DateTimeOffset asOf, Func<string, AudienceDefinition?> audiences)
    {
        public List<object> Parameters { get; } = [];
        readonly Stack<string> _including = new();

        string Bind(object value)
        {
            Parameters.Add(value);
            return dialect.Placeholder(Parameters.Count);
        }

        public string Condition(Condition c) => c switch
        {
            AndCondition a => $"({Condition(a.Left)} AND {Condition(a.Right)})",
            OrCondition o => $"({Condition(o.Left)} OR {Condition(o.Right)})",
            NotCondition n => $"NOT ({Condition(n.Operand)})",
            TraitComparison t => Trait(t.Trait, x => Compare(x, t.Operator, t.Value)),
            TraitIn i => Trait(i.Trait, x => i.Values.Count == 0 ? "FALSE"
                : "(" + string.Join(" OR ", i.Values.Select(v => Compare(x, ComparisonOperator.Equal, v))) + ")"),
            TraitContains t => Trait(t.Trait, x => x.Type is ValueType.Number or ValueType.Time ? "FALSE"
                : dialect.ContainsIgnoringCase(x.Sql, Bind(t.Text))),
            TraitIsSet s => Trait(s.Trait, x => $"{x.Sql} IS NOT NULL"),
            TraitInWindow w => Trait(w.Trait, x => InWindow(AsTime(x), w.Window)),
            EventAggregate a => Aggregate(a),
            EventExists e => $"p.profile_id IN ({EventRows(e.Event, e.Window)})",
            EventOccurrence o => Occurrence(o),
            ConsentGiven g =>
                $"p.profile_id IN (SELECT profile_id FROM {AudienceRelations.ProfileConsents} WHERE channel = {Bind(g.Channel.ToLowerInvariant())} " +
                $"AND purpose = {Bind(g.Purpose.ToLowerInvariant())} AND granted)",
            HasIdentifier h =>
                $"p.profile_id IN (SELECT profile_id FROM {AudienceRelations.ProfileIdentifiers} WHERE type = {Bind(h.Type)} AND profile_id IS NOT NULL)",
            AudienceMembership m => Membership(m),
            _ => throw new AudienceCompileException($"The condition {c.GetType().Name} cannot be compiled."),
        };

        string Membership(AudienceMembership m)
        {
            if (_including.Contains(m.Audience, StringComparer.Ordinal))
            {
                var path = string.Join(" → ", _including.Reverse().Append(m.Audience).Select(n => $"\"{n}\""));
                throw new AudienceCompileException($"Audience \"{m.Audience}\" includes itself: {path}. Remove one of these references.");
            }
            var other = audiences(m.Audience) ?? throw new AudienceCompileException($"No audience is named \"{m.Audience}\".");
            _including.Push(m.Audience);
            try
            {
                return "(" + Condition(other.Rule) + ")";
            }
            finally
            {
                _including.Pop();
            }
        }

        // ---- traits

        enum ValueType { Text, Number, Time, List, Json }

        readonly record struct Expr(string Sql, ValueType Type);

        /// <summary>The test of one trait, two-valued: a missing trait (NULL) fails it.</summary>
        string Trait(TraitRef trait, Func<Expr, string> test) => trait.Level switch
        {
            TraitLevel.Household => HouseholdTrait(trait.Name, test),
            TraitLevel.Business => BusinessTrait(trait.Name, test),
            _ => $"COALESCE({test(PersonTrait(trait.Name))}, FALSE)",
        };

        Expr PersonTrait(string name) => name switch
        {
            "first_seen" or "last_seen" => new("p." + name, ValueType.Time),
            "event_count" or "order_count" or "revenue" => new("p." + name, ValueType.Number),
            "currency" => new("p.currency", ValueType.Text),
            "channels" => new("p.channels", ValueType.List),
            _ => Json("p.traits", name.StartsWith("traits.", StringComparison.Ordinal) ? name[7..] : name),
        };

        Expr Json(string column, string path) => new(dialect.JsonText(column, Bind(dialect.JsonPath(path.Split('.')))), ValueType.Json);

        string HouseholdTrait(string name, Func<Expr, string> test)
        {
            Expr? column = name switch
            {
                "members" or "order_count" or "revenue" => new Expr("h." + name, ValueType.Number),
                "last_seen" => new Expr("h.last_seen", ValueType.Time),
                _ => null,
            };
            return column is { } c
                ? $"p.household_id IN (SELECT h.household_id FROM {AudienceRelations.HouseholdTraits} h WHERE COALESCE({test(c)}, FALSE))"
                : "FALSE";
        }

        string BusinessTrait(string name, Func<Expr, string> test)
        {
            if (name == "members")
            {
                return $"p.profile_id IN (SELECT pb.profile_id FROM {AudienceRelations.ProfileBusinesses} pb JOIN (SELECT business_id, count(*) AS members " +
                    $"FROM {AudienceRelations.ProfileBusinesses} GROUP BY business_id) bm ON bm.business_id = pb.business_id " +
                    $"WHERE COALESCE({test(new Expr("bm.members", ValueType.Number))}, FALSE))";
            }
            var column = name is "name" or "domain" ? new Expr("b." + name, ValueType.Text) : Json("b.traits", name);
            return $"p.profile_id IN (SELECT pb.profile_id FROM {AudienceRelations.ProfileBusinesses} pb JOIN {AudienceRelations.Businesses} b " +
                $"ON b.business_id = pb.business_id WHERE COALESCE({test(column)}, FALSE))";
        }

        string Compare(Expr x, ComparisonOperator op, AudienceValue value)
        {
            var sign = Sign(op);
            switch (value)
            {
                case TextValue t when x.Type == ValueType.List:
                    var member = $"strpos({x.Sql}, {Bind("," + t.Value.ToLowerInvariant() + ",")}) > 0";
                    return op switch
                    {
                        ComparisonOperator.Equal => member,
                        ComparisonOperator.NotEqual => $"NOT ({member})",
                        _ => "FALSE",
                    };
                case TextValue t when x.Type is ValueType.Text or ValueType.Json:
                    return $"{x.Sql} {sign} {Bind(t.Value)}";
                case TextValue t when x.Type == ValueType.Number
                    && decimal.TryParse(t.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed):
                    return $"{x.Sql} {sign} {Bind(parsed)}";
                case NumberValue n when x.Type == ValueType.Number:
                    return $"{x.Sql} {sign} {Bind(n.Value)}";
                case NumberValue n when x.Type is ValueType.Text or ValueType.Json:
                    return $"{dialect.TryNumber(x.Sql)} {sign} {Bind(n.Value)}";
                case BooleanValue b when x.Type is ValueType.Text or ValueType.Json && op is ComparisonOperator.Equal or ComparisonOperator.NotEqual:
                    return $"lower({x.Sql}) {sign} {Bind(b.Value ? "true" : "false")}";
                case TimeValue time when x.Type is ValueType.Time or ValueType.Text or ValueType.Json:
                    return $"{AsTime(x)} {sign} {Bind(time.At(asOf).ToUniversalTime())}";
                default:
                    return "FALSE";
            }
        }

        string AsTime(Expr x) => x.Type == ValueType.Time ? x.Sql : x.Type is ValueType.Text or ValueType.Json ? dialect.TryTimestamp(x.Sql) : "NULL";

        string InWindow(string time, TimeWindow window)
        {
            var (from, to) = window.Resolve(asOf);
            var parts = new List<string>();
            if (from is { } f) parts.Add($"{time} >= {Bind(f.ToUniversalTime())}");
            if (to is { } t) parts.Add($"{time} < {Bind(t.ToUniversalTime())}");
            return parts.Count == 0 ? $"{time} IS NOT NULL" : string.Join(" AND ", parts);
        }

        static string Sign(ComparisonOperator op) => op switch
        {
            ComparisonOperator.Equal => "=",
            ComparisonOperator.NotEqual => "<>",
            ComparisonOperator.LessThan => "<",
            ComparisonOperator.LessThanOrEqual => "<=",
            ComparisonOperator.GreaterThan => ">",
            _ => ">=",
        };

        // ---- events

        /// <summary>The surviving profile of an event: its recorded profile, or the one that absorbed it since.</summary>
        const string EventProfile = "COALESCE(s.survivor_id, e.profile_id)";

        string EventTime => "e." + dialect.Quote("timestamp");

        /// <summary>Rows of the track event in the window, as (profile_id) with further SELECT items and GROUP BY/HAVING appended by callers.</summary>
        string EventSource(string select, string eventName, TimeWindow? window)
        {
            var where = $"e.profile_id IS NOT NULL AND e.type = 'track' AND e.name = {Bind(eventName)}";
            if (window is not null) where += " AND " + InWindow(EventTime, window);
            return $"SELECT {select} FROM {AudienceRelations.Events} e LEFT JOIN {AudienceRelations.ProfileSurvivors} s ON s.profile_id = e.profile_id WHERE {where}";
        }

        string EventRows(string eventName, TimeWindow? window) => EventSource(EventProfile, eventName, window);

        string Aggregate(EventAggregate a)
        {
            var value = a.Property is null ? null
                : dialect.TryNumber(dialect.JsonText("e.properties", Bind(dialect.JsonPath(
                    (a.Property.StartsWith("properties.", StringComparison.Ordinal) ? a.Property[11..] : a.Property).Split('.')))));
            var aggregate = (a.Function, value) switch
            {
                (AggregateFunction.Count, _) => "count(*)",
                (_, null) => null,
                (AggregateFunction.Sum, _) => $"COALESCE(sum({value}), 0)",
                (AggregateFunction.Average, _) => $"avg({value})",
                (AggregateFunction.Minimum, _) => $"min({value})",
                _ => $"max({value})",
            };
            if (aggregate is null) return "FALSE";
            var rows = EventSource(EventProfile, a.Event, a.Window);
            var test = $"{aggregate} {Sign(a.Operator)} {Bind(a.Threshold)}";
            // A count or sum over no events is 0: when 0 passes the test, members are everyone but those whose events fail it.
            var zeroPasses = a.Function is AggregateFunction.Count or AggregateFunction.Sum && Holds(0m, a.Operator, a.Threshold);
            return zeroPasses
                ? $"p.profile_id NOT IN ({rows} GROUP BY {EventProfile} HAVING NOT ({test}))"
                : $"p.profile_id IN ({rows} GROUP BY {EventProfile} HAVING {test})";
        }

        string Occurrence(EventOccurrence o)
        {
            var when = o.Which == CommonGround.Audiences.Occurrence.First ? $"min({EventTime})" : $"max({EventTime})";
            return $"p.profile_id IN ({EventSource(EventProfile, o.Event, null)} GROUP BY {EventProfile} HAVING {InWindow(when, o.Window)})";
        }

        static bool Holds(decimal left, ComparisonOperator op, decimal right) => op switch
        {
            ComparisonOperator.Equal => left == right,
            ComparisonOperator.NotEqual => left != right,
            ComparisonOperator.LessThan => left < right,
            ComparisonOperator.LessThanOrEqual => left <= right,
            ComparisonOperator.GreaterThan => left > right,
            _ => left >= right,
        };
    }
}

/// <summary>
/// The relations audiences read, the same names in every provider. <c>profile_traits</c> holds one row
/// per surviving profile (computed traits, household, custom traits as JSON); events reach a profile
/// by <c>events.profile_id</c> (the profile identity resolution put the event in) and
/// <c>profile_survivors</c> (absorbed profile to the profile that absorbed it, kept flat).
/// </summary>
public static class AudienceRelations
{
    public const string ProfileTraits = "profile_traits";
    public const string ProfileConsents = "profile_consents";
    public const string ProfileBusinesses = "profile_businesses";
    public const string ProfileIdentifiers = "profile_identifiers";
    public const string ProfileSurvivors = "profile_survivors";
    public const string HouseholdTraits = "household_traits";
    public const string Businesses = "businesses";
    public const string Events = "events";
}
