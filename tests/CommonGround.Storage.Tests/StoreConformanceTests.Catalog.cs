using CommonGround.Catalog;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    protected static readonly CatalogFieldKey Revenue =
        new(DataType.Transactional, "Order Completed", "properties.revenue");

    protected static readonly CatalogFieldKey Email = new(DataType.Profile, "identify", "traits.email");

    protected static CatalogObservation Observe(
        CatalogFieldKey key, DateTimeOffset at, long count = 1, string team = "ecommerce",
        bool looksPersonal = false, string valueType = "number") =>
        new(key, valueType, team, looksPersonal, count, at);

    [Fact]
    public async Task Observing_a_new_field_creates_it_with_the_observations_team_and_guess()
    {
        await Store.Catalog.ObserveAsync([Observe(Email, T0, count: 3, team: "crm", looksPersonal: true, valueType: "string")], Ct);

        var field = await Store.Catalog.FindAsync(Email, Ct);
        Assert.Equal(new CatalogField
        {
            Key = Email,
            ValueType = "string",
            OwnerTeam = "crm",
            Personal = true,
            Declared = false,
            Description = null,
            FirstSeen = T0,
            LastSeen = T0,
            SeenCount = 3,
        }, field);
    }

    [Fact]
    public async Task Observing_a_known_field_adds_its_count_and_moves_last_seen()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0, count: 2)], Ct);

        await Store.Catalog.ObserveAsync([Observe(Revenue, T0.AddHours(1), count: 5)], Ct);

        var field = (await Store.Catalog.FindAsync(Revenue, Ct))!;
        Assert.Equal(7, field.SeenCount);
        Assert.Equal(T0, field.FirstSeen);
        Assert.Equal(T0.AddHours(1), field.LastSeen);
    }

    [Fact]
    public async Task An_older_observation_does_not_move_last_seen_back()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0.AddHours(1))], Ct);

        await Store.Catalog.ObserveAsync([Observe(Revenue, T0)], Ct);

        var field = (await Store.Catalog.FindAsync(Revenue, Ct))!;
        Assert.Equal(T0.AddHours(1), field.LastSeen);
        Assert.Equal(2, field.SeenCount);
    }

    [Fact]
    public async Task A_known_field_takes_the_value_type_seen_last()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0, valueType: "number")], Ct);

        await Store.Catalog.ObserveAsync([Observe(Revenue, T0.AddMinutes(1), valueType: "string")], Ct);

        Assert.Equal("string", (await Store.Catalog.FindAsync(Revenue, Ct))!.ValueType);
    }

    [Fact]
    public async Task Several_observations_of_one_field_in_one_call_are_summed()
    {
        await Store.Catalog.ObserveAsync(
        [
            Observe(Revenue, T0, count: 2),
            Observe(Revenue, T0.AddMinutes(2), count: 3),
            Observe(Revenue, T0.AddMinutes(1), count: 4),
        ], Ct);

        var field = (await Store.Catalog.FindAsync(Revenue, Ct))!;
        Assert.Equal(9, field.SeenCount);
        Assert.Equal(T0, field.FirstSeen);
        Assert.Equal(T0.AddMinutes(2), field.LastSeen);
        Assert.Single(await Store.Catalog.ListAsync(null, Ct));
    }

    [Fact]
    public async Task An_undeclared_field_keeps_its_first_owner_when_another_team_sends_it()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0, team: "ecommerce")], Ct);

        await Store.Catalog.ObserveAsync([Observe(Revenue, T0.AddMinutes(1), team: "retail media")], Ct);

        Assert.Equal("ecommerce", (await Store.Catalog.FindAsync(Revenue, Ct))!.OwnerTeam);
    }

    [Fact]
    public async Task An_undeclared_field_becomes_personal_once_any_observation_looks_personal()
    {
        await Store.Catalog.ObserveAsync([Observe(Email, T0, looksPersonal: false)], Ct);
        await Store.Catalog.ObserveAsync([Observe(Email, T0.AddMinutes(1), looksPersonal: true)], Ct);
        await Store.Catalog.ObserveAsync([Observe(Email, T0.AddMinutes(2), looksPersonal: false)], Ct);

        Assert.True((await Store.Catalog.FindAsync(Email, Ct))!.Personal);
    }

    [Fact]
    public async Task Declared_catalog_fields_keep_their_owner_when_data_arrives()
    {
        await Store.Catalog.ObserveAsync([Observe(Email, T0, team: "web", looksPersonal: true)], Ct);
        await Store.Catalog.UpdateAsync(Email, new CatalogFieldEdit("crm", false, "Login address, hashed upstream."), Ct);

        await Store.Catalog.ObserveAsync([Observe(Email, T0.AddHours(1), count: 4, team: "web", looksPersonal: true)], Ct);

        var field = (await Store.Catalog.FindAsync(Email, Ct))!;
        Assert.Equal("crm", field.OwnerTeam);
        Assert.False(field.Personal);
        Assert.Equal("Login address, hashed upstream.", field.Description);
        Assert.True(field.Declared);
        Assert.Equal(5, field.SeenCount);
        Assert.Equal(T0.AddHours(1), field.LastSeen);
    }

    [Fact]
    public async Task Update_applies_only_the_given_members_and_marks_the_field_declared()
    {
        await Store.Catalog.ObserveAsync([Observe(Email, T0, team: "web", looksPersonal: true, valueType: "string")], Ct);

        var updated = await Store.Catalog.UpdateAsync(Email, new CatalogFieldEdit(null, null, "Where receipts go."), Ct);

        var expected = new CatalogField
        {
            Key = Email,
            ValueType = "string",
            OwnerTeam = "web",
            Personal = true,
            Declared = true,
            Description = "Where receipts go.",
            FirstSeen = T0,
            LastSeen = T0,
            SeenCount = 1,
        };
        Assert.Equal(expected, updated);
        Assert.Equal(expected, await Store.Catalog.FindAsync(Email, Ct));
    }

    [Fact]
    public async Task Update_changes_owner_and_personal_flag()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0, team: "web")], Ct);

        var updated = (await Store.Catalog.UpdateAsync(Revenue, new CatalogFieldEdit("finance", true, null), Ct))!;

        Assert.Equal("finance", updated.OwnerTeam);
        Assert.True(updated.Personal);
        Assert.Null(updated.Description);
        Assert.True(updated.Declared);
    }

    [Fact]
    public async Task Updating_an_unknown_field_returns_null_and_creates_nothing()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0)], Ct);

        Assert.Null(await Store.Catalog.UpdateAsync(Email, new CatalogFieldEdit("crm", true, null), Ct));
        Assert.Null(await Store.Catalog.FindAsync(Email, Ct));
    }

    [Fact]
    public async Task Finding_an_unknown_catalog_field_returns_null()
    {
        await Store.Catalog.ObserveAsync([Observe(Revenue, T0)], Ct);

        Assert.Null(await Store.Catalog.FindAsync(Revenue with { Field = "properties.tax" }, Ct));
        Assert.Null(await Store.Catalog.FindAsync(Revenue with { DataType = DataType.Behavioural }, Ct));
    }

    [Fact]
    public async Task Catalog_list_filters_by_data_type_and_sorts_by_dataset_then_field()
    {
        var keys = new[]
        {
            new CatalogFieldKey(DataType.Transactional, "Order Refunded", "properties.amount"),
            new CatalogFieldKey(DataType.Transactional, "Order Completed", "properties.tax"),
            new CatalogFieldKey(DataType.Behavioural, "Product Viewed", "properties.sku"),
            new CatalogFieldKey(DataType.Transactional, "Order Completed", "properties.revenue"),
            new CatalogFieldKey(DataType.Profile, "identify", "traits.email"),
        };
        await Store.Catalog.ObserveAsync(keys.Select(k => Observe(k, T0)).ToList(), Ct);

        var transactional = await Store.Catalog.ListAsync(DataType.Transactional, Ct);
        var all = await Store.Catalog.ListAsync(null, Ct);

        Assert.Equal(
        [
            new CatalogFieldKey(DataType.Transactional, "Order Completed", "properties.revenue"),
            new CatalogFieldKey(DataType.Transactional, "Order Completed", "properties.tax"),
            new CatalogFieldKey(DataType.Transactional, "Order Refunded", "properties.amount"),
        ], transactional.Select(f => f.Key));
        Assert.Equal(keys.ToHashSet(), all.Select(f => f.Key).ToHashSet());
        Assert.Empty(await Store.Catalog.ListAsync(DataType.Consent, Ct));
    }

    [Fact]
    public async Task Concurrent_observations_of_the_same_fields_are_all_counted()
    {
        var keys = Enumerable.Range(0, 20)
            .Select(i => new CatalogFieldKey(DataType.Behavioural, "Page Viewed", $"properties.p{i}"))
            .ToList();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                // Each task walks the keys in its own order.
                var batch = keys.Select((k, i) => (k, i)).OrderBy(x => (x.i * (t + 1)) % 7)
                    .Select(x => Observe(x.k, T0.AddSeconds(round), count: 1)).ToList();
                await Store.Catalog.ObserveAsync(batch, Ct);
            }
        }, Ct)));

        var fields = await Store.Catalog.ListAsync(DataType.Behavioural, Ct);
        Assert.Equal(keys.Count, fields.Count);
        Assert.All(fields, f => Assert.Equal(8 * 5, f.SeenCount));
    }
}
