using System.Globalization;
using System.Text.Json;

namespace CommonGround.Campaigns;

/// <summary>
/// Builds and changes campaigns from raw fields, with one readable message per problem, named by
/// field as the API names it. Also the wire names of the enums (camelCase) and the status transitions.
/// </summary>
public static class CampaignRules
{
    public const int MaxNameLength = 200;
    public const int MaxStoryboardLength = 2000;
    public const int MinPriority = 1;
    public const int MaxPriority = 100;
    public const int DefaultPriority = 50;

    /// <summary>
    /// Which status may follow which: a draft is scheduled or goes live; a scheduled campaign goes live,
    /// back to draft, or is done (cancelled); a live one is done; done is final. Staying put is always allowed.
    /// </summary>
    public static bool CanMove(CampaignStatus from, CampaignStatus to) => from == to || (from, to) switch
    {
        (CampaignStatus.Draft, CampaignStatus.Scheduled or CampaignStatus.Live) => true,
        (CampaignStatus.Scheduled, CampaignStatus.Draft or CampaignStatus.Live or CampaignStatus.Done) => true,
        (CampaignStatus.Live, CampaignStatus.Done) => true,
        _ => false,
    };

    /// <summary>Statuses that may follow <paramref name="from"/>, itself excluded.</summary>
    public static IEnumerable<CampaignStatus> Next(CampaignStatus from) =>
        Enum.GetValues<CampaignStatus>().Where(to => to != from && CanMove(from, to));

    /// <summary>A new campaign from the fields (a new campaign starts from draft), or the problems.</summary>
    public static (Campaign? Campaign, IReadOnlyList<FieldError> Errors) Create(
        CampaignFields fields, string id, string by, DateTimeOffset now)
    {
        var (spec, errors) = Check(fields, CampaignStatus.Draft);
        if (spec is null) return (null, errors);
        now = Microseconds(now);
        return (spec with
        {
            Id = id,
            HoldoutSalt = id,
            CreatedBy = by,
            CreatedAt = now,
            UpdatedBy = by,
            UpdatedAt = now,
        }, errors);
    }

    /// <summary>
    /// The campaign with every field replaced by <paramref name="fields"/> (a PUT), keeping its id,
    /// holdout salt and creation; or the problems, an impossible status change among them.
    /// </summary>
    public static (Campaign? Campaign, IReadOnlyList<FieldError> Errors) Update(
        Campaign current, CampaignFields fields, string by, DateTimeOffset now)
    {
        var (spec, errors) = Check(fields with { Status = fields.Status ?? Wire(current.Status) }, current.Status);
        if (spec is null) return (null, errors);
        now = Microseconds(now);
        return (spec with
        {
            Id = current.Id,
            HoldoutSalt = current.HoldoutSalt,
            CreatedBy = current.CreatedBy,
            CreatedAt = current.CreatedAt,
            UpdatedBy = by,
            UpdatedAt = now,
        }, errors);
    }

    static (Campaign? Spec, IReadOnlyList<FieldError> Errors) Check(CampaignFields f, CampaignStatus from)
    {
        var errors = new List<FieldError>();
        var name = f.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add(new FieldError("name", "Give the campaign a name, e.g. \"Spring sale e-mail\"."));
        else if (name.Length > MaxNameLength) errors.Add(new FieldError("name", $"Keep the name to {MaxNameLength} characters."));

        var team = f.Team?.Trim();
        if (string.IsNullOrEmpty(team)) errors.Add(new FieldError("team", "Name the team that runs the campaign, e.g. \"loyalty marketing\"."));

        var channel = Parse<Channel>(f.Channel, "channel", "channel", errors);
        var category = Parse<CampaignCategory>(f.Category, "category", "category", errors);

        var audience = string.IsNullOrWhiteSpace(f.AudienceId) ? null : f.AudienceId.Trim();
        if (audience is { Length: > MaxNameLength }) errors.Add(new FieldError("audienceId", $"An audience id has at most {MaxNameLength} characters."));

        Schedule? schedule = null;
        if (f.Schedule is null)
            errors.Add(new FieldError("schedule", "Give a schedule: {\"kind\":\"oneOff\",\"at\":...}, {\"kind\":\"recurring\",\"cron\":...,\"timeZone\":...,\"start\":...} or {\"kind\":\"alwaysOn\",\"start\":...}."));
        else schedule = f.Schedule.ToSchedule(errors);

        var priority = f.Priority ?? DefaultPriority;
        if (priority is < MinPriority or > MaxPriority)
            errors.Add(new FieldError("priority", $"Priority runs from {MinPriority} to {MaxPriority}; higher is more important."));

        var value = f.ExpectedValue ?? 0m;
        if (value < 0) errors.Add(new FieldError("expectedValue", "The expected value per message is 0 or more (in the workspace's currency)."));
        else if (value.Scale > 4 && decimal.Round(value, 4) != value) errors.Add(new FieldError("expectedValue", "Give the expected value with at most 4 decimals."));
        else if (value >= 100_000_000_000_000m) errors.Add(new FieldError("expectedValue", "The expected value per message is too large."));

        var holdout = f.HoldoutShare ?? 0;
        if (double.IsNaN(holdout) || holdout < 0 || holdout >= 1)
            errors.Add(new FieldError("holdoutShare", "The holdout share is a fraction from 0 (nobody held out) to below 1, e.g. 0.1 for 10 %."));
        else if (holdout > 0 && category == CampaignCategory.Transactional)
            errors.Add(new FieldError("holdoutShare", "A transactional campaign (receipts, password resets) must reach everyone: set the holdout share to 0."));

        var storyboard = string.IsNullOrWhiteSpace(f.Storyboard) ? null : f.Storyboard.Trim();
        if (storyboard is { Length: > MaxStoryboardLength })
            errors.Add(new FieldError("storyboard", $"Keep the storyboard chapter to {MaxStoryboardLength} characters."));

        var status = f.Status is null ? CampaignStatus.Draft : Parse<CampaignStatus>(f.Status, "status", "status", errors);
        if (status is { } to && !CanMove(from, to))
        {
            var next = Next(from).Select(Wire).ToList();
            errors.Add(new FieldError("status", $"A {Wire(from)} campaign cannot become {Wire(to)}; " +
                (next.Count == 0 ? "it is final." : $"it can become {string.Join(" or ", next)}.")));
        }

        if (errors.Count > 0) return (null, errors);
        return (new Campaign
        {
            Id = "",
            Name = name!,
            Team = team!,
            Channel = channel!.Value,
            Category = category!.Value,
            AudienceId = audience,
            Schedule = schedule!,
            Priority = priority,
            ExpectedValue = value,
            HoldoutShare = holdout,
            HoldoutSalt = "",
            Storyboard = storyboard,
            Status = status!.Value,
            CreatedBy = "",
            CreatedAt = default,
            UpdatedBy = "",
            UpdatedAt = default,
        }, errors);
    }

    static T? Parse<T>(string? text, string field, string what, ICollection<FieldError> errors) where T : struct, Enum
    {
        var choices = string.Join(", ", Enum.GetValues<T>().Select(v => Wire(v)));
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new FieldError(field, $"Give the {what}: one of {choices}."));
            return null;
        }
        if (TryParse<T>(text, out var value)) return value;
        errors.Add(new FieldError(field, $"'{text}' is not a {what}; use one of {choices}."));
        return null;
    }

    /// <summary>An enum value by its wire name ("directMail"); case-insensitive, so "DirectMail" works too.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Wire(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The wire name of an enum value: camelCase, as the JSON of the API writes it.</summary>
    public static string Wire<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>An ISO-8601 time, to the microsecond (what both stores keep); one without an offset is read as UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var ok = DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out time);
        time = Microseconds(time);
        return ok;
    }

    /// <summary>The time cut to whole microseconds, the finest both stores keep, so a campaign reads back as it was made.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
}
