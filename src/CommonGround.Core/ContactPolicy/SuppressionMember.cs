using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// One person on a stored suppression list, by a normalised identifier (so "Ann@Example.com" and
/// "ann@example.com" are one member). Membership is by identifier, not by profile: it counts for
/// whichever profile has the identifier when a message is planned, including one that gets it later.
/// What the list blocks is the contact policy's business (<see cref="SuppressionList"/>).
/// </summary>
/// <remarks>The identifier and the reason are personal data: never log them.</remarks>
public sealed record SuppressionMember(string List, Identifier Identifier, string? Reason, string AddedBy, DateTimeOffset AddedAt);

/// <summary>An identifier to put on a list, with why (e.g. "asked by phone not to be contacted").</summary>
public readonly record struct SuppressionEntry(Identifier Identifier, string? Reason);

/// <summary>A stored list and how many members it has.</summary>
public sealed record SuppressionListCount(string List, long Members);

/// <summary>The rules for list names and reasons, shared by the API, the CLI and the stores.</summary>
public static class SuppressionLists
{
    public const int MaxNameLength = 100;
    public const int MaxReasonLength = 500;

    /// <summary>Members added in one store call at most; callers with more send batches.</summary>
    public const int MaxBatch = 10_000;

    /// <summary>What is wrong with a list name, or null when it is usable.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "Give the list's name, e.g. do-not-contact.";
        if (name.Length > MaxNameLength) return $"A list name has at most {MaxNameLength} characters.";
        if (name.Trim().Length != name.Length) return "A list name may not start or end with spaces.";
        if (name.Any(char.IsControl)) return "A list name may not contain control characters (such as line breaks).";
        return null;
    }

    /// <summary>The reason as stored: trimmed, null when empty.</summary>
    /// <exception cref="ArgumentException">Longer than <see cref="MaxReasonLength"/>.</exception>
    public static string? Reason(string? reason)
    {
        var trimmed = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (trimmed is { Length: > MaxReasonLength })
            throw new ArgumentException($"A reason has at most {MaxReasonLength} characters.", nameof(reason));
        return trimmed;
    }

    /// <summary>What the policy does with a list, in words: which channels it blocks, or that it blocks nothing.</summary>
    public static string Blocks(ContactPolicyDefinition policy, string list) =>
        policy.SuppressionLists.FirstOrDefault(l => string.Equals(l.Name, list, StringComparison.Ordinal)) is { } defined
            ? (defined.Channels.Count == 0 ? "every channel" : Words.List([.. defined.Channels.Select(c => Channels.Noun(c, 2))]))
              + (defined.IncludesTransactional ? ", transactional messages too" : ", for marketing and ads")
            : NotInPolicy;

    /// <summary>The warning for a stored list the policy does not define.</summary>
    public const string NotInPolicy = "not in the policy: blocks nothing";
}

/// <summary>
/// The stored lists a customer is on that the policy defines, for planning and deciding: a stored list
/// the policy does not define blocks nothing (unlike a list a caller names in a decision request, which
/// blocks marketing to be safe). Stores share one array per distinct set of lists, so answers are kept
/// per array (by reference). Not thread-safe: one per simulation or plan.
/// </summary>
public sealed class DefinedSuppressionLists(ContactPolicyDefinition policy)
{
    readonly HashSet<string> _defined = new(policy.SuppressionLists.Select(l => l.Name), StringComparer.Ordinal);
    readonly Dictionary<IReadOnlyList<string>, IReadOnlyList<string>?> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>The names of <paramref name="stored"/> the policy defines, in their order; null when none.</summary>
    public IReadOnlyList<string>? Of(IReadOnlyList<string>? stored)
    {
        if (stored is null || _defined.Count == 0) return null;
        if (!_seen.TryGetValue(stored, out var kept))
            _seen[stored] = kept = stored.Where(_defined.Contains).ToArray() is { Length: > 0 } names ? names : null;
        return kept;
    }
}
