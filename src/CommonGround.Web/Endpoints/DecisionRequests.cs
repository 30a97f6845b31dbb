using System.Collections.Concurrent;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// Turns a decision request of the API into the decider's question: the customer through the
/// identity graph (identifier or profile id) with their household, time zone and consent for the
/// channel (<see cref="ContactFactsCache"/>: no store read for a customer asked about recently), the
/// campaign from the calendar (by id or exact name, kept for <see cref="CampaignLifetime"/>). Every
/// problem becomes a 4xx ProblemDetails naming the field.
/// </summary>
public sealed class DecisionRequests(IStore store, IdentityOptions identity, ContactFactsCache customers, PolicyHistory policy, TimeProvider time)
{
    /// <summary>How long a campaign looked up by id or name is reused: a change in the calendar reaches decisions within this.</summary>
    public static readonly TimeSpan CampaignLifetime = TimeSpan.FromSeconds(2);

    readonly IdentifierNormalizer _normalizer = new(identity);
    readonly string[] _types = [.. identity.EffectiveTypes.Select(t => t.Name)];
    readonly ConcurrentDictionary<string, (Campaign Campaign, CampaignFacts Facts, long Until)> _campaigns = new(StringComparer.Ordinal);

    public async Task<(ContactRequest? Request, ValidationProblem? Invalid, ProblemHttpResult? Problem)> ResolveAsync(DecisionRequest request, Caller caller, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var hasIdentifier = !string.IsNullOrWhiteSpace(request.Identifier);
        var hasProfile = !string.IsNullOrWhiteSpace(request.ProfileId);
        if (hasIdentifier == hasProfile)
            errors["identifier"] = ["Give exactly one of \"identifier\" (TYPE:VALUE, e.g. email:ann@example.com) and \"profileId\" (e.g. p42)."];
        if (string.IsNullOrWhiteSpace(request.Campaign))
            errors["campaign"] = ["Give the campaign's id or its exact name."];
        DateTimeOffset? at = null;
        if (!string.IsNullOrWhiteSpace(request.At))
        {
            if (CampaignRules.TryParseTime(request.At, out var parsed)) at = parsed;
            else errors["at"] = [$"'{request.At}' is not a time; use ISO-8601, e.g. 2026-05-04T09:00:00Z, or leave it out for now."];
        }
        Channel? channel = null;
        if (!string.IsNullOrWhiteSpace(request.Channel))
        {
            if (CampaignRules.TryParse<Channel>(request.Channel, out var parsed)) channel = parsed;
            else errors["channel"] = [$"'{request.Channel}' is not a channel; use one of {string.Join(", ", Enum.GetValues<Channel>().Select(c => CampaignRules.Wire(c)))}."];
        }
        var identifier = hasIdentifier && !hasProfile ? Identifier(request.Identifier!, errors) : null;
        if (errors.Count > 0) return (null, Invalid(errors), null);

        var known = await CampaignAsync(request.Campaign!.Trim(), errors, ct);
        if (known is not var (campaign, facts)) return (null, Invalid(errors), null);
        if (channel is { } asked && asked != campaign.Channel)
        {
            errors["channel"] = [$"Campaign '{campaign.Name}' sends by {CampaignRules.Wire(campaign.Channel)}, not {CampaignRules.Wire(asked)}; ask for its channel or leave \"channel\" out."];
            return (null, Invalid(errors), null);
        }
        if (!caller.CanSee(campaign.Team))
            return (null, null, TypedResults.Problem(statusCode: 403, title: "Only the campaign's own team may ask for its decisions.",
                detail: $"This key belongs to team '{caller.Team}'; campaign '{campaign.Name}' is team '{campaign.Team}''s."));

        ContactFacts? customer = null;
        if (hasProfile)
        {
            if (ProfileEndpoints.TryParse(request.ProfileId!.Trim(), out var id)) customer = await customers.GetAsync(id, ct);
        }
        else if (identifier is { } given)
        {
            customer = await customers.FindAsync(given, ct);
        }
        if (customer is null)
            return (null, null, TypedResults.Problem(statusCode: 404, title: "Unknown customer.",
                detail: hasProfile ? $"There is no profile '{request.ProfileId}'." : "No profile has this identifier."));

        return (new ContactRequest(customer.Profile, facts, customer.Household, customer.TimeZone, customer.Consents[campaign.Channel],
            SuppressionLists(customer.SuppressionLists, request.SuppressionLists), at), null, null);
    }

    /// <summary>
    /// The customer's stored lists that the policy in force defines (a stored list it does not define
    /// blocks nothing), with the lists the caller names; null when none.
    /// </summary>
    IReadOnlyList<string>? SuppressionLists(IReadOnlyList<string>? stored, string[]? named)
    {
        // Few customers are on a list: the filter is made only for them.
        var defined = stored is { Count: > 0 } ? new DefinedSuppressionLists(policy.Current.Policy).Of(stored) : null;
        if (named is not { Length: > 0 }) return defined;
        return defined is null ? named : [.. defined.Union(named, StringComparer.Ordinal)];
    }

    Identifier? Identifier(string text, Dictionary<string, string[]> errors)
    {
        var separator = text.IndexOf(':');
        if (separator <= 0)
        {
            errors["identifier"] = [$"'{text}' is not TYPE:VALUE; e.g. email:ann@example.com (types: {string.Join(", ", _types)})."];
            return null;
        }
        var type = text[..separator].Trim();
        if (Array.IndexOf(_types, type) < 0)
        {
            errors["identifier"] = [$"'{type}' is not an identifier type; use one of {string.Join(", ", _types)}."];
            return null;
        }
        if (!_normalizer.TryNormalize(type, text[(separator + 1)..], out var normalized))
        {
            errors["identifier"] = [$"The {type} is not valid."];
            return null;
        }
        return normalized;
    }

    async ValueTask<(Campaign, CampaignFacts)?> CampaignAsync(string idOrName, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (_campaigns.TryGetValue(idOrName, out var kept) && kept.Until > now) return (kept.Campaign, kept.Facts);
        var campaign = await store.Campaigns.FindAsync(idOrName, ct);
        if (campaign is null)
        {
            var named = (await store.Campaigns.ListAsync(new CampaignQuery(null, null, null, null), ct))
                .Where(c => string.Equals(c.Name, idOrName, StringComparison.Ordinal)).ToList();
            if (named.Count != 1)
            {
                errors["campaign"] = [named.Count == 0
                    ? $"No campaign has the id or name '{idOrName}'; register it in the campaign calendar first."
                    : $"{named.Count} campaigns are named '{idOrName}'; give the id of the one you mean ({string.Join(", ", named.Select(c => c.Id))})."];
                return null;
            }
            campaign = named[0];
        }
        var facts = CampaignFacts.Of(campaign);
        if (_campaigns.Count > 10_000) _campaigns.Clear();
        _campaigns[idOrName] = (campaign, facts, now + (long)(CampaignLifetime.TotalSeconds * time.TimestampFrequency));
        return (campaign, facts);
    }

    static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors, title: "The decision request is not valid.");
}
