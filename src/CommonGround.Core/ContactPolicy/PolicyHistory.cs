using CommonGround.Storage;

namespace CommonGround.ContactPolicy;

/// <summary>One version of the contact policy: its number (from 1), who made it and when, and why.</summary>
public sealed record PolicyVersion(int Number, string ChangedBy, DateTimeOffset At, ContactPolicyDefinition Policy, string? Note);

/// <summary>
/// Every version of the contact policy, in memory: the current one compiled for decisions, the
/// earlier ones kept with who changed what and when. A change is validated first and refused whole.
/// Thread-safe: readers take no lock and always see a complete version; changes take turns. The
/// server keeps the versions in the store: <see cref="Load"/> at start, and <see cref="ChangeAsync"/>
/// saves a version before it takes effect.
/// </summary>
public sealed class PolicyHistory
{
    readonly Lock _gate = new();
    readonly SemaphoreSlim _changing = new(1, 1);
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
    public PolicyVersion Change(ContactPolicyDefinition policy, string changedBy, string? note = null, int? basedOn = null) =>
        ChangeAsync(policy, changedBy, note, basedOn, static (_, _) => Task.CompletedTask, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// As <see cref="Change"/>, but <paramref name="save"/> keeps the new version (durably) before it
    /// takes effect; when saving fails, nothing changed. Changes take turns.
    /// </summary>
    public async Task<PolicyVersion> ChangeAsync(ContactPolicyDefinition policy, string changedBy, string? note, int? basedOn,
        Func<PolicyVersion, CancellationToken, Task> save, CancellationToken ct)
    {
        await _changing.WaitAsync(ct);
        try
        {
            var current = Current;
            if (basedOn is { } based && based != current.Number)
                throw new ConflictException($"The policy changed since version {based}: version {current.Number} was made by {current.ChangedBy} at {current.At:u}. Start from it and try again.");
            var number = current.Number + 1;
            var compiled = new CompiledContactPolicy(policy, number, Campaigns);
            var version = new PolicyVersion(number, Who(changedBy), _time.GetUtcNow(), policy, note);
            await save(version, ct);
            lock (_gate)
            {
                _versions.Add(version);
                Volatile.Write(ref _compiled, compiled);
            }
            return version;
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// Replaces every version with <paramref name="versions"/> (numbered 1, 2, ... in order), as read
    /// from the store at start; the last is compiled and put in force.
    /// </summary>
    /// <exception cref="ContactPolicyException">The last version is not valid any more.</exception>
    public void Load(IReadOnlyList<PolicyVersion> versions)
    {
        if (versions.Count == 0) throw new ArgumentException("There must be at least one version.", nameof(versions));
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Number != i + 1)
                throw new ArgumentException($"Versions must be numbered from 1 without gaps; found {versions[i].Number} at place {i + 1}.", nameof(versions));
        }
        var compiled = new CompiledContactPolicy(versions[^1].Policy, versions[^1].Number, Campaigns);
        _changing.Wait();
        try
        {
            lock (_gate)
            {
                _versions.Clear();
                _versions.AddRange(versions);
                Volatile.Write(ref _compiled, compiled);
            }
        }
        finally
        {
            _changing.Release();
        }
    }

    static string Who(string changedBy) =>
        string.IsNullOrWhiteSpace(changedBy)
            ? throw new ContactPolicyException([new PolicyProblem("changedBy", "Say who makes the change; every version records it.")])
            : changedBy.Trim();
}
