using CommonGround.Storage;

namespace CommonGround.Audiences;

/// <summary>What a new or changed audience says: its name, owning team, description and rule.</summary>
public sealed record AudienceDraft(string Name, string? Team, string? Description, AudienceDefinition Definition);

/// <summary>Why an audience could not be saved, as a kind a caller maps to its own answer and a sentence to show.</summary>
public sealed record AudienceSaveProblem(AudienceSaveProblemKind Kind, string Message);

public enum AudienceSaveProblemKind
{
    /// <summary>No name, or one over 200 characters.</summary>
    BadName,

    /// <summary>Another audience has the name.</summary>
    NameTaken,

    /// <summary>Other audiences refer to the old name with 'in audience'.</summary>
    RenamedWhileUsed,

    /// <summary>The rule would include the audience itself through others.</summary>
    IncludesItself,

    /// <summary>The audience was deleted meanwhile.</summary>
    NotFound,
}

/// <summary>The saved audience, or why it was not saved.</summary>
public sealed record AudienceSave(Audience? Audience, AudienceSaveProblem? Problem)
{
    public bool Saved => Audience is not null;
}

/// <summary>
/// Creating and changing audiences with the same checks wherever it happens (the API, the builder):
/// a valid name not taken by another audience, no rename while others use the name, and no rule that
/// includes the audience itself. Reading and validating the rule against the catalog comes first and
/// is the caller's (it has the text or the JSON form and answers with positions).
/// </summary>
public sealed class AudienceChanges(IAudienceStore audiences, TimeProvider time)
{
    public const int MaxNameLength = 200;

    /// <summary>Checks and stores a new audience made by <paramref name="by"/> (an API key id).</summary>
    public async Task<AudienceSave> CreateAsync(AudienceDraft draft, string by, CancellationToken ct)
    {
        var name = draft.Name.Trim();
        if (CheckName(name) is { } badName) return Fail(badName);
        var others = await audiences.ListAsync(ct);
        if (Taken(others, name, exceptId: null) is { } taken) return Fail(taken);
        if (IncludesItself(others, name, draft.Definition) is { } cycle) return Fail(cycle);
        var now = time.GetUtcNow();
        var audience = new Audience("aud_" + Access.Secrets.NewId(), name, draft.Team, Blank(draft.Description), draft.Definition,
            AudienceText.Format(draft.Definition), by, now, by, now);
        try
        {
            await audiences.AddAsync(audience, ct);
        }
        catch (ConflictException)
        {
            return Fail(TakenProblem(name));
        }
        return new(audience, null);
    }

    /// <summary>Checks and stores a change of <paramref name="current"/> made by <paramref name="by"/>.</summary>
    public async Task<AudienceSave> UpdateAsync(Audience current, AudienceDraft draft, string by, CancellationToken ct)
    {
        var name = draft.Name.Trim();
        if (CheckName(name) is { } badName) return Fail(badName);
        var others = (await audiences.ListAsync(ct)).Where(a => a.Id != current.Id).ToList();
        if (Taken(others, name, current.Id) is { } taken) return Fail(taken);
        if (name != current.Name)
        {
            var users = others.Where(a => AudienceReferences.Of(a.Definition).Contains(current.Name)).Select(a => $"\"{a.Name}\"").ToList();
            if (users.Count > 0)
            {
                return Fail(new(AudienceSaveProblemKind.RenamedWhileUsed,
                    $"{string.Join(", ", users)} use \"{current.Name}\" by its name: keep the name, or change them first."));
            }
        }
        if (IncludesItself(others, name, draft.Definition) is { } cycle) return Fail(cycle);
        var updated = current with
        {
            Name = name,
            Team = draft.Team,
            Description = Blank(draft.Description),
            Definition = draft.Definition,
            Text = AudienceText.Format(draft.Definition),
            UpdatedBy = by,
            UpdatedAt = time.GetUtcNow(),
        };
        try
        {
            if (!await audiences.UpdateAsync(updated, ct))
                return Fail(new(AudienceSaveProblemKind.NotFound, $"The audience \"{current.Name}\" was deleted meanwhile: save it under a new name to keep it."));
        }
        catch (ConflictException)
        {
            return Fail(TakenProblem(name));
        }
        return new(updated, null);
    }

    /// <summary>Why the name cannot be used at all; null when it can.</summary>
    public static AudienceSaveProblem? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength
            ? new(AudienceSaveProblemKind.BadName, $"Give the audience a name: 1 to {MaxNameLength} characters, unique in the workspace.")
            : null;

    static AudienceSaveProblem? Taken(IEnumerable<Audience> others, string name, string? exceptId) =>
        others.Any(a => a.Id != exceptId && string.Equals(a.Name, name, StringComparison.Ordinal)) ? TakenProblem(name) : null;

    static AudienceSaveProblem TakenProblem(string name) =>
        new(AudienceSaveProblemKind.NameTaken, $"An audience named \"{name}\" exists already: choose another name.");

    static AudienceSaveProblem? IncludesItself(IEnumerable<Audience> others, string name, AudienceDefinition rule)
    {
        var rules = others.Where(a => a.Name != name).ToDictionary(a => a.Name, a => a.Definition, StringComparer.Ordinal);
        return AudienceReferences.Cycle(name, rule, n => rules.GetValueOrDefault(n)) is { } cycle
            ? new(AudienceSaveProblemKind.IncludesItself,
                $"The audience would include itself: {string.Join(" → ", cycle.Select(n => $"\"{n}\""))}. Remove one of these 'in audience' conditions.")
            : null;
    }

    static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static AudienceSave Fail(AudienceSaveProblem problem) => new(null, problem);
}
