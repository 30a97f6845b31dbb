using System.Collections.Concurrent;
using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>
/// Numbers campaigns and teams so the ledger keeps small entries: a campaign is registered once by
/// id and referred to by its index afterwards; its latest facts are kept for explanations. Indexes
/// never change. Thread-safe; reads take no lock.
/// </summary>
public sealed class CampaignDirectory
{
    readonly ConcurrentDictionary<string, int> _campaignIndex = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int> _teamIndex = new(StringComparer.Ordinal);
    readonly Lock _gate = new();
    Registered[] _campaigns = new Registered[16];
    string[] _teams = new string[16];
    int _campaignCount, _teamCount;

    /// <summary>The index of a campaign, registering it or updating its facts when they changed.</summary>
    /// <exception cref="ContactRequestException">The facts are incomplete.</exception>
    public int Register(CampaignFacts facts)
    {
        if (_campaignIndex.TryGetValue(facts.Id, out var index))
        {
            var known = Volatile.Read(ref _campaigns)[index].Facts;
            if (ReferenceEquals(known, facts) || known.Equals(facts)) return index;
        }
        Check(facts);
        lock (_gate)
        {
            var team = TeamIndex(facts.Team);
            if (!_campaignIndex.TryGetValue(facts.Id, out index))
            {
                index = _campaignCount;
                if (index == _campaigns.Length)
                {
                    var grown = new Registered[index * 2];
                    Array.Copy(_campaigns, grown, index);
                    Volatile.Write(ref _campaigns, grown);
                }
                _campaigns[index] = new Registered(facts, team);
                _campaignCount++;
                // Published after the facts, so a reader that finds the index finds the facts.
                _campaignIndex[facts.Id] = index;
            }
            else
            {
                Volatile.Write(ref _campaigns[index], new Registered(facts, team));
            }
        }
        return index;
    }

    /// <summary>The latest facts of a registered campaign.</summary>
    public CampaignFacts this[int index] => Volatile.Read(ref _campaigns)[index].Facts;

    /// <summary>The team index of a registered campaign.</summary>
    public int TeamOf(int index) => Volatile.Read(ref _campaigns)[index].Team;

    public int Count => Volatile.Read(ref _campaignCount);

    /// <summary>The latest facts of a campaign by id, when it was registered.</summary>
    public CampaignFacts? Find(string id) => _campaignIndex.TryGetValue(id, out var index) ? this[index] : null;

    /// <summary>The index of a team, registering it when new.</summary>
    public int TeamIndex(string team)
    {
        if (_teamIndex.TryGetValue(team, out var index)) return index;
        lock (_gate)
        {
            if (_teamIndex.TryGetValue(team, out index)) return index;
            index = _teamCount;
            if (index == _teams.Length)
            {
                var grown = new string[index * 2];
                Array.Copy(_teams, grown, index);
                Volatile.Write(ref _teams, grown);
            }
            _teams[index] = team;
            _teamCount++;
            _teamIndex[team] = index;
            return index;
        }
    }

    public string TeamName(int index) => Volatile.Read(ref _teams)[index];

    sealed record Registered(CampaignFacts Facts, int Team);

    static void Check(CampaignFacts facts)
    {
        if (string.IsNullOrWhiteSpace(facts.Id)) throw new ContactRequestException("The campaign has no id.");
        if (string.IsNullOrWhiteSpace(facts.Name)) throw new ContactRequestException($"Campaign '{facts.Id}' has no name; explanations show it.");
        if (string.IsNullOrWhiteSpace(facts.Team)) throw new ContactRequestException($"Campaign '{facts.Id}' has no team.");
        if (!Enum.IsDefined(facts.Channel)) throw new ContactRequestException($"Campaign '{facts.Id}' has an unknown channel.");
        if (!Enum.IsDefined(facts.Category)) throw new ContactRequestException($"Campaign '{facts.Id}' has an unknown category.");
        if (facts.Priority is < CampaignRules.MinPriority or > CampaignRules.MaxPriority)
            throw new ContactRequestException($"Campaign '{facts.Id}' has priority {facts.Priority}; priorities run from {CampaignRules.MinPriority} to {CampaignRules.MaxPriority}, higher is more important.");
        if (facts.ExpectedValue < 0) throw new ContactRequestException($"Campaign '{facts.Id}' has a negative expected value.");
    }
}
