using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommonGround.ContactPolicy;
using StackExchange.Redis;

namespace CommonGround.Ledger.Redis;

/// <summary>
/// Campaign and team numbers that mean the same on every node. A <see cref="CampaignDirectory"/>
/// numbers campaigns in the order one process meets them, so entries in Redis carry numbers given
/// by one Redis hash instead (the register-campaign script), and each node maps them to and from
/// its own indexes. A campaign first met in another node's entries is read from Redis with its facts
/// (for explanations) and registered in this node's directory. Thread-safe; after the first use of a
/// campaign both directions are dictionary reads.
/// </summary>
sealed class SharedCampaigns(CampaignDirectory directory, IDatabase db, RedisKey key)
{
    static readonly string RegisterScript = LuaScripts.Read("register-campaign.lua");
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    readonly ConcurrentDictionary<int, Numbered> _byIndex = new();
    readonly ConcurrentDictionary<int, int> _campaignIndex = new(), _teamIndex = new();

    /// <summary>The shared numbers of a campaign of this node's directory, and of its team.</summary>
    public ValueTask<(int Campaign, int Team)> NumbersAsync(int campaign)
    {
        var facts = directory[campaign];
        // The facts object changes when the campaign's facts do: then other nodes get the new ones too.
        return _byIndex.TryGetValue(campaign, out var known) && ReferenceEquals(known.Facts, facts)
            ? new((known.Campaign, known.Team))
            : RegisterAsync(campaign, facts);
    }

    async ValueTask<(int, int)> RegisterAsync(int campaign, CampaignFacts facts)
    {
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RegisterScript, [key],
            [facts.Id, JsonSerializer.Serialize(facts, Json), facts.Team]))!;
        var numbers = new Numbered(facts, (int)result[0], (int)result[1]);
        if (numbers.Team > short.MaxValue) throw new InvalidOperationException("More than 32,767 teams in the shared contact ledger.");
        _byIndex[campaign] = numbers;
        _campaignIndex.TryAdd(numbers.Campaign, campaign);
        _teamIndex.TryAdd(numbers.Team, directory.TeamOf(campaign));
        return (numbers.Campaign, numbers.Team);
    }

    /// <summary>The entries of a list with this node's indexes, oldest first.</summary>
    public async ValueTask<ContactEntry[]> EntriesAsync(EntryList list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var campaign = EntryList.Campaign(list.Record(i));
            if (!_campaignIndex.ContainsKey(campaign)) await LoadCampaignAsync(campaign);
            var team = EntryList.Team(list.Record(i));
            if (!_teamIndex.ContainsKey(team)) await LoadTeamAsync(team);
        }
        var entries = new ContactEntry[list.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var r = list.Record(i);
            entries[i] = EntryList.ToEntry(r, _campaignIndex[EntryList.Campaign(r)], _teamIndex[EntryList.Team(r)]);
        }
        return entries;
    }

    async Task LoadCampaignAsync(int number)
    {
        var json = await db.HashGetAsync(key, "c#" + number);
        var facts = json.HasValue ? JsonSerializer.Deserialize<CampaignFacts>(json.ToString(), Json) : null;
        if (facts is null) throw new InvalidOperationException($"The shared contact ledger refers to campaign number {number}, which its directory does not hold.");
        // A campaign this node already knows keeps its facts here, which may be newer than Redis's.
        _campaignIndex.TryAdd(number, directory.Register(directory.Find(facts.Id) ?? facts));
    }

    async Task LoadTeamAsync(int number)
    {
        var team = await db.HashGetAsync(key, "t#" + number);
        if (!team.HasValue) throw new InvalidOperationException($"The shared contact ledger refers to team number {number}, which its directory does not hold.");
        _teamIndex.TryAdd(number, directory.TeamIndex(team.ToString()));
    }

    sealed record Numbered(CampaignFacts Facts, int Campaign, int Team);
}

static class LuaScripts
{
    public static string Read(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream("CommonGround.Ledger.Redis.Scripts." + name)
            ?? throw new InvalidOperationException($"Script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
