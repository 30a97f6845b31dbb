using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>One problem with a policy: where (a JSON path such as "caps[2].limit") and what to do.</summary>
public sealed record PolicyProblem(string Path, string Message)
{
    public override string ToString() => Path.Length > 0 ? $"{Path}: {Message}" : Message;
}

/// <summary>The policy was refused; <see cref="Problems"/> lists every reason.</summary>
public sealed class ContactPolicyException(IReadOnlyList<PolicyProblem> problems)
    : Exception("The contact policy is not valid: " + string.Join("; ", problems))
{
    public IReadOnlyList<PolicyProblem> Problems { get; } = problems;
}

/// <summary>Checks a policy before it is used; every problem is reported, not only the first.</summary>
public static class ContactPolicyValidator
{
    /// <summary>The most caps a policy may hold (the engine keeps one bit per cap).</summary>
    public const int MaxCaps = 64;

    /// <summary>The longest a reservation may be held unconfirmed.</summary>
    public static readonly TimeSpan MaxReservationTimeout = TimeSpan.FromDays(1);

    public static IReadOnlyList<PolicyProblem> Validate(ContactPolicyDefinition policy)
    {
        var problems = new List<PolicyProblem>();
        void Problem(string path, string message) => problems.Add(new PolicyProblem(path, message));

        // JSON null for a list arrives as null despite the annotations; refuse before reading them.
        foreach (var (name, list) in new (string, object?)[]
                 {
                     ("caps", policy.Caps), ("quietHours", policy.QuietHours), ("minimumGaps", policy.MinimumGaps),
                     ("optInChannels", policy.OptInChannels), ("suppressionLists", policy.SuppressionLists), ("teams", policy.Teams),
                     ("defaultTimeZone", policy.DefaultTimeZone), ("currency", policy.Currency),
                 })
        {
            if (list is null) Problem(name, "is null; leave it out for the default, or give an empty list.");
        }
        if (problems.Count > 0) return problems;

        if (policy.Caps.Count > MaxCaps)
            Problem("caps", $"{policy.Caps.Count} caps; a policy may hold at most {MaxCaps}.");
        var seen = new Dictionary<ContactCap, int>();
        for (var i = 0; i < policy.Caps.Count; i++)
        {
            var path = $"caps[{i}]";
            if (policy.Caps[i] is not { } cap)
            {
                Problem(path, "is empty; remove it or give scope, level, window and limit.");
                continue;
            }
            if (cap.Limit < 1)
                Problem(path + ".limit", $"is {cap.Limit}; a cap allows at least 1 message (to stop all messages, use a suppression list).");
            if (!Enum.IsDefined(cap.Scope) || !Enum.IsDefined(cap.Level) || !Enum.IsDefined(cap.Window))
                Problem(path, "has an unknown scope, level or window.");
            if (cap.Channel is not null && cap.Scope != CapScope.Channel)
                Problem(path + ".channel", $"is set but the scope is '{ContactPolicyJson.Name(cap.Scope)}'; use scope 'channel' or remove the channel.");
            if (cap.Category is not null && cap.Scope != CapScope.Category)
                Problem(path + ".category", $"is set but the scope is '{ContactPolicyJson.Name(cap.Scope)}'; use scope 'category' or remove the category.");
            if (cap.Team is not null && cap.Scope != CapScope.Team)
                Problem(path + ".team", $"is set but the scope is '{ContactPolicyJson.Name(cap.Scope)}'; use scope 'team' or remove the team.");
            if (cap.Team is not null && string.IsNullOrWhiteSpace(cap.Team))
                Problem(path + ".team", "is blank; name a team, or leave it out to cap each team separately.");
            if (cap.Category == CampaignCategory.Transactional)
                Problem(path + ".category", "transactional messages are exempt from caps; cap 'marketing' or 'advertising'.");
            if (seen.TryGetValue(cap, out var first))
                Problem(path, $"repeats caps[{first}].");
            else
                seen[cap] = i;
        }

        for (var i = 0; i < policy.QuietHours.Count; i++)
        {
            var path = $"quietHours[{i}]";
            if (policy.QuietHours[i] is not { } quiet)
            {
                Problem(path, "is empty; give channel, start and end.");
                continue;
            }
            if (!Enum.IsDefined(quiet.Channel)) Problem(path + ".channel", "is not a known channel.");
            if (quiet.Start == quiet.End)
                Problem(path, $"starts and ends at {quiet.Start:HH\\:mm}, which is no quiet time at all; give different times (start after end crosses midnight).");
        }
        var quietChannels = policy.QuietHours.Where(q => q is not null).GroupBy(q => q.Channel).Where(g => g.Count() > 1);
        foreach (var group in quietChannels)
            Problem("quietHours", $"{Channels.Noun(group.Key, 2)} have {group.Count()} quiet hours; give one period per channel.");

        for (var i = 0; i < policy.MinimumGaps.Count; i++)
        {
            var path = $"minimumGaps[{i}]";
            if (policy.MinimumGaps[i] is not { } gap)
            {
                Problem(path, "is empty; give a gap such as \"04:00:00\".");
                continue;
            }
            if (gap.Gap <= TimeSpan.Zero)
                Problem(path + ".gap", "must be longer than zero.");
            else if (gap.Gap > TimeSpan.FromDays(31))
                Problem(path + ".gap", "is longer than 31 days; the ledger keeps 35 days of messages, use a monthly cap instead.");
        }

        for (var i = 0; i < policy.OptInChannels.Count; i++)
        {
            if (!Enum.IsDefined(policy.OptInChannels[i])) Problem($"optInChannels[{i}]", "is not a known channel.");
        }

        var lists = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policy.SuppressionLists.Count; i++)
        {
            var path = $"suppressionLists[{i}]";
            if (policy.SuppressionLists[i] is not { } list)
            {
                Problem(path, "is empty; give at least a name.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(list.Name))
                Problem(path + ".name", "is missing; callers name the lists a customer is on.");
            else if (!lists.Add(list.Name))
                Problem(path + ".name", $"'{list.Name}' is used by an earlier list; names must be unique.");
        }

        var teams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policy.Teams.Count; i++)
        {
            var path = $"teams[{i}]";
            if (policy.Teams[i] is not { } team)
            {
                Problem(path, "is empty; give team and priority.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(team.Team)) Problem(path + ".team", "is missing.");
            else if (!teams.Add(team.Team)) Problem(path + ".team", $"'{team.Team}' is listed twice.");
            if (team.Priority is < CampaignRules.MinPriority or > CampaignRules.MaxPriority)
                Problem(path + ".priority", $"is {team.Priority}; priorities run from {CampaignRules.MinPriority} to {CampaignRules.MaxPriority}, higher is more important.");
        }

        if (policy.ReservationTimeout <= TimeSpan.Zero || policy.ReservationTimeout > MaxReservationTimeout)
            Problem("reservationTimeout", "must be between one second and one day.");
        if (!LocalCalendar.TryFind(policy.DefaultTimeZone, out _))
            Problem("defaultTimeZone", $"'{policy.DefaultTimeZone}' is not a known time zone; use an IANA id such as \"Europe/Brussels\".");
        if (policy.Currency is not { Length: 3 } || !policy.Currency.All(char.IsAsciiLetterUpper))
            Problem("currency", $"'{policy.Currency}' is not an ISO 4217 code such as \"USD\" or \"EUR\".");
        return problems;
    }

    /// <exception cref="ContactPolicyException">The policy has problems.</exception>
    public static void ThrowIfInvalid(ContactPolicyDefinition policy)
    {
        var problems = Validate(policy);
        if (problems.Count > 0) throw new ContactPolicyException(problems);
    }
}
