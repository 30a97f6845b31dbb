using CommonGround.ContactPolicy;
using CommonGround.Identity;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class SuppressionListStore(NpgsqlDataSource db) : ISuppressionListStore
    {
        // SuppressionRows writes one placeholder per name, some twice: named parameters.
        private static string P(string name) => "@" + name;

        public async Task<int> AddMembersAsync(string list, IReadOnlyList<SuppressionEntry> members, string addedBy, DateTimeOffset at, CancellationToken ct)
        {
            var distinct = SuppressionRows.Distinct(list, members);
            if (distinct.Count == 0) return 0;
            // One statement: the members, and the contact facts of the people they name marked as changed.
            await using var command = db.CreateCommand(
                "WITH added AS (" +
                $"INSERT INTO suppression_members ({SuppressionRows.Columns}) " +
                "SELECT @list, u.t, u.v, u.r, @by, @at FROM unnest(@types, @values, @reasons) AS u(t, v, r) " +
                "ON CONFLICT (list_name, identifier_type, identifier_value) DO NOTHING RETURNING 1), " +
                "touched AS (" + SuppressionRows.TouchProfiles("(SELECT t AS type, v AS value FROM unnest(@types, @values) AS u(t, v))", "now()") + " RETURNING 1) " +
                "SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM touched)");
            command.Parameters.Add(Named("list", Text(list)));
            command.Parameters.Add(Named("by", Text(addedBy)));
            command.Parameters.Add(Named("at", Time(at)));
            command.Parameters.Add(Named("types", TextArray([.. distinct.Select(m => m.Identifier.Type)])));
            command.Parameters.Add(Named("values", TextArray([.. distinct.Select(m => m.Identifier.Value)])));
            command.Parameters.Add(Named("reasons", TextArray([.. distinct.Select(m => m.Reason)])));
            return (int)(long)(await command.ExecuteScalarAsync(ct))!;
        }

        public async Task<bool> RemoveMemberAsync(string list, Identifier identifier, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"WITH removed AS ({SuppressionRows.Remove(P)} RETURNING 1), " +
                "touched AS (" + SuppressionRows.TouchProfiles("(SELECT @type AS type, @value AS value)", "now()") + " RETURNING 1) " +
                "SELECT (SELECT count(*) FROM removed), (SELECT count(*) FROM touched)");
            command.Parameters.AddRange(Key(list, identifier));
            return (long)(await command.ExecuteScalarAsync(ct))! > 0;
        }

        public async Task<IReadOnlyList<SuppressionMember>> MembersAsync(string list, Identifier? after, int limit, CancellationToken ct)
        {
            await using var command = db.CreateCommand(SuppressionRows.Page(P, after is not null));
            if (after is { } a) command.Parameters.AddRange(Key(list, a));
            else command.Parameters.Add(Named("list", Text(list)));
            command.Parameters.Add(Named("limit", Int(limit)));
            return await ReadAsync(command, ct);
        }

        public async Task<IReadOnlyList<SuppressionListCount>> CountsAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand(SuppressionRows.Counts);
            await using var r = await command.ExecuteReaderAsync(ct);
            var counts = new List<SuppressionListCount>();
            while (await r.ReadAsync(ct)) counts.Add(new SuppressionListCount(r.GetString(0), r.GetInt64(1)));
            return counts;
        }

        public async Task<SuppressionMember?> FindMemberAsync(string list, Identifier identifier, CancellationToken ct)
        {
            await using var command = db.CreateCommand(SuppressionRows.Find(P));
            command.Parameters.AddRange(Key(list, identifier));
            return await ReadAsync(command, ct) is [var member] ? member : null;
        }

        public async Task<IReadOnlyList<string>> SuppressionListsOfAsync(ProfileId survivor, CancellationToken ct)
        {
            await using var command = db.CreateCommand(SuppressionRows.ListsOf(P));
            command.Parameters.Add(Named("profile", Long(survivor.Value)));
            return await NamesAsync(command, ct);
        }

        public async Task<IReadOnlyList<string>> SuppressionListsOfAsync(IReadOnlyCollection<Identifier> identifiers, CancellationToken ct)
        {
            if (identifiers.Count == 0) return [];
            await using var command = db.CreateCommand(SuppressionRows.ListsOfIdentifiers("unnest(@types, @values) AS ids(type, value)"));
            command.Parameters.Add(Named("types", TextArray([.. identifiers.Select(i => i.Type)])));
            command.Parameters.Add(Named("values", TextArray([.. identifiers.Select(i => i.Value)])));
            return await NamesAsync(command, ct);
        }

        private static async Task<IReadOnlyList<string>> NamesAsync(NpgsqlCommand command, CancellationToken ct)
        {
            await using var r = await command.ExecuteReaderAsync(ct);
            var lists = new List<string>();
            while (await r.ReadAsync(ct)) lists.Add(r.GetString(0));
            return lists;
        }

        private static NpgsqlParameter[] Key(string list, Identifier identifier) =>
            [Named("list", Text(list)), Named("type", Text(identifier.Type)), Named("value", Text(identifier.Value))];

        private static NpgsqlParameter Named(string name, NpgsqlParameter parameter)
        {
            parameter.ParameterName = name;
            return parameter;
        }

        private static NpgsqlParameter TextArray(string?[] values) =>
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.Select(v => WithoutNul(v)).ToArray() };

        private static async Task<IReadOnlyList<SuppressionMember>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
        {
            await using var r = await command.ExecuteReaderAsync(ct);
            var members = new List<SuppressionMember>();
            while (await r.ReadAsync(ct)) members.Add(SuppressionRows.Member(r));
            return members;
        }
    }
}
