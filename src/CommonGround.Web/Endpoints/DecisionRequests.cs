using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// Turns a decision request of the API into the decider's question: the customer through the
/// identity graph (identifier or profile id), their household and consent for the channel from the
/// profile, the campaign from the calendar (by id or exact name). Every problem becomes a 4xx
/// ProblemDetails naming the field. The customer's time zone is the policy's default (profiles keep none yet).
/// </summary>
public sealed class DecisionRequests(IStore store, IdentityOptions identity)
{
    const string MarketingPurpose = "marketing";

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

        var campaign = await CampaignAsync(request.Campaign!.Trim(), errors, ct);
        if (campaign is null) return (null, Invalid(errors), null);
        if (channel is { } asked && asked != campaign.Channel)
        {
            errors["channel"] = [$"Campaign '{campaign.Name}' sends by {CampaignRules.Wire(campaign.Channel)}, not {CampaignRules.Wire(asked)}; ask for its channel or leave \"channel\" out."];
            return (null, Invalid(errors), null);
        }
        if (!caller.CanSee(campaign.Team))
            return (null, null, TypedResults.Problem(statusCode: 403, title: "Only the campaign's own team may ask for its decisions.",
                detail: $"This key belongs to team '{caller.Team}'; campaign '{campaign.Name}' is team '{campaign.Team}''s."));

        Profile? profile = null;
        if (hasProfile)
        {
            if (ProfileEndpoints.TryParse(request.ProfileId!.Trim(), out var id)) profile = await store.Profiles.GetAsync(id, ct);
        }
        else if (identifier is { } known && await store.Profiles.FindAsync(known, ct) is { } found)
        {
            profile = await store.Profiles.GetAsync(found, ct);
        }
        if (profile is null)
            return (null, null, TypedResults.Problem(statusCode: 404, title: "Unknown customer.",
                detail: hasProfile ? $"There is no profile '{request.ProfileId}'." : "No profile has this identifier."));

        return (new ContactRequest(profile.Id, CampaignFacts.Of(campaign), profile.Household?.Id, null,
            ConsentOf(profile, campaign.Channel), request.SuppressionLists is { Length: > 0 } lists ? lists : null, at), null, null);
    }

    Identifier? Identifier(string text, Dictionary<string, string[]> errors)
    {
        var separator = text.IndexOf(':');
        var types = identity.EffectiveTypes.Select(t => t.Name).ToList();
        if (separator <= 0)
        {
            errors["identifier"] = [$"'{text}' is not TYPE:VALUE; e.g. email:ann@example.com (types: {string.Join(", ", types)})."];
            return null;
        }
        var type = text[..separator].Trim();
        if (!types.Contains(type))
        {
            errors["identifier"] = [$"'{type}' is not an identifier type; use one of {string.Join(", ", types)}."];
            return null;
        }
        if (!new IdentifierNormalizer(identity).TryNormalize(type, text[(separator + 1)..], out var normalized))
        {
            errors["identifier"] = [$"The {type} is not valid."];
            return null;
        }
        return normalized;
    }

    async Task<Campaign?> CampaignAsync(string idOrName, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (await store.Campaigns.FindAsync(idOrName, ct) is { } byId) return byId;
        var named = (await store.Campaigns.ListAsync(new CampaignQuery(null, null, null, null), ct))
            .Where(c => string.Equals(c.Name, idOrName, StringComparison.Ordinal)).ToList();
        if (named.Count == 1) return named[0];
        errors["campaign"] = [named.Count == 0
            ? $"No campaign has the id or name '{idOrName}'; register it in the campaign calendar first."
            : $"{named.Count} campaigns are named '{idOrName}'; give the id of the one you mean ({string.Join(", ", named.Select(c => c.Id))})."];
        return null;
    }

    /// <summary>The profile's latest marketing consent on the channel, under the consent names the profile uses.</summary>
    static Consent ConsentOf(Profile profile, Channel channel)
    {
        var name = channel switch
        {
            Channel.Telemarketing => "phone",
            Channel.DirectMail => "post",
            _ => CampaignRules.Wire(channel).ToLowerInvariant(),
        };
        var state = profile.Traits.Consents
            .Where(c => string.Equals(c.Channel, name, StringComparison.OrdinalIgnoreCase) && string.Equals(c.Purpose, MarketingPurpose, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(c => c.At).FirstOrDefault();
        return state is null ? Consent.Unknown : state.Granted ? Consent.Granted : Consent.Refused;
    }

    static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors, title: "The decision request is not valid.");
}
