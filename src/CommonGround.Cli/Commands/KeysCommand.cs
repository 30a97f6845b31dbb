using System.CommandLine;
using CommonGround.Access;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

public static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var role = new Option<string>("--role")
        {
            Description = "admin sees and changes everything; team sees its own team's sources and data.",
            Required = true,
            HelpName = "admin|team",
        };
        role.AcceptOnlyFromAmong("admin", "team");
        var team = new Option<string?>("--team") { Description = "The team a team key belongs to, e.g. \"retail media\".", HelpName = "TEAM" };
        var name = new Option<string?>("--name") { Description = "A label to recognise the key by, e.g. \"ci\" or \"ann's laptop\".", HelpName = "NAME" };

        var create = new Command("create",
            "Mints an API key for /api/*. The secret is printed once: store it now.\n\n" +
            "Examples:\n" +
            "  commonground keys create --role admin --name ops\n" +
            "  commonground keys create --role team --team \"retail media\"")
        { role, team, name };
        create.SetAction(async (parse, ct) =>
        {
            var keyRole = parse.GetValue(role) == "admin" ? ApiKeyRole.Admin : ApiKeyRole.Team;
            var keyTeam = parse.GetValue(team);
            if (keyRole == ApiKeyRole.Team && string.IsNullOrWhiteSpace(keyTeam))
                throw new CliInputException("A team key needs --team, e.g. --team \"loyalty marketing\".");
            if (keyRole == ApiKeyRole.Admin && keyTeam is not null)
                throw new CliInputException("An admin key sees every team; leave out --team.");
            await using var store = await context.OpenStoreAsync(parse, ct);
            var (key, secret) = Secrets.MintApiKey(keyRole, keyTeam, parse.GetValue(name), TimeProvider.System.GetUtcNow());
            await store.ApiKeys.AddAsync(key, ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(new { key.Id, role = parse.GetValue(role), key.Team, key.Name, secret });
            }
            else
            {
                context.Console.MarkupLine($"Created {parse.GetValue(role)} key [bold]{key.Id}[/]{(key.Team is null ? "" : $" for team '{Markup.Escape(key.Team)}'")}.");
                context.Console.MarkupLine("Secret (shown only now):");
                context.Console.WriteLine(secret);
                context.Console.MarkupLine("[grey]Use it as: Authorization: Bearer <secret>[/]");
            }
            return ExitCodes.Ok;
        });

        var list = new Command("list", "Lists API keys (never their secrets).");
        list.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var keys = await store.ApiKeys.ListAsync(ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(keys.Select(k => new { k.Id, role = k.Role.ToString().ToLowerInvariant(), k.Team, k.Name, k.CreatedAt, k.RevokedAt }));
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Id", "Role", "Team", "Name", "Created", "Revoked");
            foreach (var k in keys)
            {
                table.AddRow(k.Id, k.Role.ToString().ToLowerInvariant(), Markup.Escape(k.Team ?? ""), Markup.Escape(k.Name ?? ""),
                    k.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    k.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "The key's id (the part after cg_ in the secret)." };
        var revoke = new Command("revoke", "Revokes an API key; it stops working at once on this store.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            if (!await store.ApiKeys.RevokeAsync(parse.GetValue(id)!, TimeProvider.System.GetUtcNow(), ct))
                throw new CliInputException($"No active key '{parse.GetValue(id)}'. See `commonground keys list`.");
            if (CliContext.Json(parse)) context.WriteJson(new { id = parse.GetValue(id), revoked = true });
            else context.Console.MarkupLine($"Revoked key [bold]{Markup.Escape(parse.GetValue(id)!)}[/].");
            return ExitCodes.Ok;
        });

        return new Command("keys", "API keys for the /api/* endpoints: create, list, revoke.") { create, list, revoke };
    }
}
