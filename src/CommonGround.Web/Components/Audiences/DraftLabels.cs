using CommonGround.Audiences;

namespace CommonGround.Web.Components.Audiences;

/// <summary>How the builder names kinds of conditions and comparisons, in a marketer's words.</summary>
public static class DraftLabels
{
    /// <summary>The kinds of conditions, grouped as the builder offers them.</summary>
    public static IReadOnlyList<(string Group, ConditionKind[] Kinds)> Kinds { get; } =
    [
        ("Traits", [ConditionKind.TraitCompare, ConditionKind.TraitIn, ConditionKind.TraitContains, ConditionKind.TraitIsSet, ConditionKind.TraitWindow]),
        ("Events", [ConditionKind.EventDid, ConditionKind.EventCount, ConditionKind.EventAggregate, ConditionKind.EventOccurrence]),
        ("Permission and identity", [ConditionKind.Consent, ConditionKind.HasIdentifier, ConditionKind.InAudience]),
        ("Household and business", [ConditionKind.HouseholdSize, ConditionKind.BusinessSize]),
    ];

    public static string Kind(ConditionKind kind) => kind switch
    {
        ConditionKind.TraitCompare => "A trait compared with a value",
        ConditionKind.TraitIn => "A trait is one of several values",
        ConditionKind.TraitContains => "A trait contains text",
        ConditionKind.TraitIsSet => "A trait is known",
        ConditionKind.TraitWindow => "A date trait falls in a time window",
        ConditionKind.EventDid => "Did an event",
        ConditionKind.EventCount => "How many times they did an event",
        ConditionKind.EventAggregate => "Total, average, smallest or largest amount in an event",
        ConditionKind.EventOccurrence => "First or last time they did an event",
        ConditionKind.Consent => "Consented to a channel",
        ConditionKind.HasIdentifier => "Has an identifier (e-mail, phone, ...)",
        ConditionKind.InAudience => "Is in another audience",
        ConditionKind.HouseholdSize => "Household size",
        ConditionKind.BusinessSize => "Business size",
        _ => kind.ToString(),
    };

    public static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "= is",
        ComparisonOperator.NotEqual => "≠ is not",
        ComparisonOperator.LessThan => "< less than, before",
        ComparisonOperator.LessThanOrEqual => "≤ at most",
        ComparisonOperator.GreaterThan => "> more than, after",
        _ => "≥ at least",
    };
}
