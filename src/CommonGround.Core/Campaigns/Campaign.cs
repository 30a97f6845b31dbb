namespace CommonGround.Campaigns;

/// <summary>Where a campaign reaches people. Written in JSON as camelCase ("directMail").</summary>
public enum Channel
{
    Email,
    Sms,
    Push,
    DirectMail,
    Telemarketing,
    PaidSocial,
    /// <summary>Ads on the company's own site or app (retail media).</summary>
    OnSiteAd,
    /// <summary>Ads elsewhere on the web, bought for the company's audiences.</summary>
    OffSiteAd,
    WebPersonalisation,
}

/// <summary>Why a campaign is sent; decides whether the global control group is held back from it.</summary>
public enum CampaignCategory
{
    /// <summary>Promotes the company's own offers. The global control group never receives it.</summary>
    Marketing,

    /// <summary>Receipts, delivery notes, password resets: everyone who needs one gets it, no holdout, no control group.</summary>
    Transactional,

    /// <summary>Advertising for third-party brands (retail media). The global control group never receives it.</summary>
    Advertising,
}

/// <summary>Where a campaign is in its life. Only scheduled and live campaigns count as active (calendar overlap, contact pressure).</summary>
public enum CampaignStatus
{
    Draft,
    Scheduled,
    Live,
    Done,
}

/// <summary>
/// One campaign of one team on the shared calendar. Immutable; <see cref="CampaignRules"/> builds and
/// changes it, so a stored campaign is always valid.
/// </summary>
public sealed record Campaign
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Team { get; init; }
    public required Channel Channel { get; init; }
    public required CampaignCategory Category { get; init; }
    public string? AudienceId { get; init; }
    public required Schedule Schedule { get; init; }

    /// <summary>1 to 100, higher is more important (a tie-breaker when contact rules must choose).</summary>
    public required int Priority { get; init; }

    /// <summary>What one message is expected to bring, in the workspace's currency; 0 or more, at most 4 decimals.</summary>
    public required decimal ExpectedValue { get; init; }

    /// <summary>Share of the targeted people kept out to measure the campaign, 0 (none) to below 1.</summary>
    public required double HoldoutShare { get; init; }

    /// <summary>Seeds the holdout hash; fixed at creation (the campaign's id), so the same people stay held out.</summary>
    public required string HoldoutSalt { get; init; }

    /// <summary>The chapter of the customer story the campaign belongs to (free text).</summary>
    public string? Storyboard { get; init; }
    public required CampaignStatus Status { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string UpdatedBy { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Scheduled or live: it counts in overlap and contact pressure.</summary>
    public bool IsActive => Status is CampaignStatus.Scheduled or CampaignStatus.Live;

    /// <summary>Whether the workspace's global control group is kept out of it (all but transactional).</summary>
    public bool ExcludesGlobalControl => Category != CampaignCategory.Transactional;
}

/// <summary>What a person or a tool asks a campaign to be: raw values, checked by <see cref="CampaignRules.Create"/> and <see cref="CampaignRules.Update"/>.</summary>
public sealed record CampaignFields(
    string? Name,
    string? Team,
    string? Channel,
    string? Category,
    string? AudienceId,
    ScheduleFields? Schedule,
    int? Priority,
    decimal? ExpectedValue,
    double? HoldoutShare,
    string? Storyboard,
    string? Status);

/// <summary>A problem with one field of a request, named as the API names it ("schedule.cron").</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>How a store keeps a campaign in columns: enums by their wire names, the schedule by <see cref="ScheduleColumns"/>.</summary>
public static class CampaignColumns
{
    /// <summary>A campaign from the columns of a stored row, in the order of the migration.</summary>
    /// <exception cref="InvalidOperationException">A stored value is not one the store writes.</exception>
    public static Campaign Read(string id, string name, string team, string channel, string category, string? audienceId,
        string scheduleKind, DateTimeOffset startsAt, DateTimeOffset? endsAt, string? cron, string? timeZone, int priority,
        decimal expectedValue, double holdoutShare, string holdoutSalt, string? storyboard, string status,
        string createdBy, DateTimeOffset createdAt, string updatedBy, DateTimeOffset updatedAt) => new()
    {
        Id = id,
        Name = name,
        Team = team,
        Channel = Enum<Channel>(channel),
        Category = Enum<CampaignCategory>(category),
        AudienceId = audienceId,
        Schedule = ScheduleColumns.Read(scheduleKind, startsAt, endsAt, cron, timeZone),
        Priority = priority,
        ExpectedValue = expectedValue,
        HoldoutShare = holdoutShare,
        HoldoutSalt = holdoutSalt,
        Storyboard = storyboard,
        Status = Enum<CampaignStatus>(status),
        CreatedBy = createdBy,
        CreatedAt = createdAt,
        UpdatedBy = updatedBy,
        UpdatedAt = updatedAt,
    };

    static T Enum<T>(string value) where T : struct, System.Enum =>
        CampaignRules.TryParse<T>(value, out var parsed) ? parsed
            : throw new InvalidOperationException($"A stored campaign has an unknown {typeof(T).Name} '{value}'.");
}
