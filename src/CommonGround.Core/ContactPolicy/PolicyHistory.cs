using CommonGround.Storage;

namespace CommonGround.ContactPolicy;

/// <summary>One version of the contact policy: its number (from 1), who made it and when, and why.</summary>
public sealed record PolicyVersion(int Number, string ChangedBy, DateTimeOffset At, ContactPolicyDefinition Policy, string? Note);

/// <summary>
/// Every version of the contact policy, in memory: the current one compiled for decisions, the
/// earlier ones kept with who changed what and when. A change is validated first and refused whole.
/// Thread-safe: readers take no lock and always see a complete version. (Persisting versions comes
/// with the store; this keeps them for the life of the process.)
/// </summary>
public sealed class PolicyHistory
{
    readonly Lock _gate = new();
    readonly TimeProvider _time;
    readonly List<PolicyVersion> _versions = [];
    CompiledContactPolicy _compiled;

    /// <exception cref="ContactPolicyException">The first policy is not valid.</exception>
    public PolicyHistory(ContactPolicyDefinition first, string createdBy, CampaignDirectory campaigns, TimeProvider time, string? note = null)
    {
        _time = time;
        Campaigns = campaigns;
        var version = new PolicyVersion(1, Who(createdBy), time.GetUtcNow(), first, note);
        _compiled = new CompiledContactPolicy(first, 1, campaigns);
        _versions.Add(version);
    }

    public CampaignDirectory Campaigns { get; }

    /// <summary>The version in force.</summary>
    public PolicyVersion Current
    {
        get
        {
            lock (_gate) return _versions[^1];
        }
    }

    /// <summary>The version in force, compiled; what decisions use.</summary>
    public CompiledContactPolicy Compiled => Volatile.Read(ref _compiled);

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<PolicyVersion> Versions
    {
        get
        {
            lock (_gate) return [.. _versions];
        }
    }

    /// <summary>A version by number, or null.</summary>
    public PolicyVersion? Find(int number)
    {
        lock (_gate) return number >= 1 && number <= _versions.Count ? _versions[number - 1] : null;
    }

    /// <summary>Makes <paramref name="policy"/> the version in force, recording who changed it and when.</summary>
    /// <param name="basedOn">The version the change was made from; when another change came in between, it is refused.</param>
    /// <exception cref="ContactPolicyException">The policy is not valid; nothing changed.</exception>
    /// <exception cref="ConflictException">The policy changed since <paramref name="basedOn"/>.</exception>
    public PolicyVersion Change(ContactPolicyDefinition policy, string changedBy, string? note = null, int? basedOn = null)
    {
        lock (_gate)
        {
            var current = _versions[^1];
            if (basedOn is { } based && based != current.Number)
                throw new ConflictException($"The policy changed since version {based}: version {current.Number} was made by {current.ChangedBy} at {current.At:u}. Start from it and try again.");
            var number = current.Number + 1;
            var compiled = new CompiledContactPolicy(policy, number, Campaigns);
            var version = new PolicyVersion(number, Who(changedBy), _time.GetUtcNow(), policy, note);
            _versions.Add(version);
            Volatile.Write(ref _compiled, compiled);
            return version;
        }
    }

    static string Who(string changedBy) =>
        string.IsNullOrWhiteSpace(changedBy)
            ? throw new ContactPolicyException([new PolicyProblem("changedBy", "Say who makes the change; every version records it.")])
            : changedBy.Trim();
}
