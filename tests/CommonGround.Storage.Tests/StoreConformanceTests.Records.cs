using CommonGround.Records;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    protected static CustomerRecord NewCustomer(string sourceId, string customerId, string? city = "Lyon") => new()
    {
        SourceId = sourceId,
        CustomerId = customerId,
        Email = $"{customerId}@example.com",
        City = city,
    };

    protected static OrderRecord NewOrder(string sourceId, string orderId, decimal total = 12.50m) => new()
    {
        SourceId = sourceId,
        OrderId = orderId,
        CustomerId = "cust-1",
        OrderedAt = T0,
        Total = total,
        Currency = "EUR",
    };

    [Fact]
    public async Task Upserted_customers_round_trip_every_field()
    {
        var customer = new CustomerRecord
        {
            SourceId = "src-crm",
            CustomerId = "cust-1",
            Email = "ada@example.com",
            Phone = "+33 4 72 00 00 00",
            FirstName = "Ada",
            LastName = "Lovelace",
            AddressLine = "1 rue de la République",
            PostalCode = "69001",
            City = "Lyon",
            Country = "FR",
            Company = "Analytical Engines",
            CreatedAt = T0.AddYears(-2),
            Traits = """{"loyalty_tier":"gold","points":1200}""",
        };

        await Store.Records.UpsertCustomersAsync([customer], Ct);

        Assert.Equal(customer, await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct));
    }

    [Fact]
    public async Task Customers_with_only_their_key_round_trip_with_nulls()
    {
        var customer = new CustomerRecord { SourceId = "src-crm", CustomerId = "cust-1" };

        await Store.Records.UpsertCustomersAsync([customer], Ct);

        Assert.Equal(customer, await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct));
    }

    [Fact]
    public async Task New_customers_are_reported_inserted()
    {
        var result = await Store.Records.UpsertCustomersAsync(
            [NewCustomer("src-crm", "cust-1"), NewCustomer("src-crm", "cust-2")], Ct);

        Assert.Equal(new UpsertResult(2, 0, 0), result);
        Assert.Equal(2, await Store.Records.CountCustomersAsync("src-crm", Ct));
    }

    [Fact]
    public async Task Upserting_no_customers_reports_nothing()
    {
        Assert.Equal(UpsertResult.Empty, await Store.Records.UpsertCustomersAsync([], Ct));
        Assert.Equal(UpsertResult.Empty, await Store.Records.UpsertOrdersAsync([], Ct));
    }

    [Fact]
    public async Task Reimporting_identical_customers_reports_them_unchanged()
    {
        var customers = new[] { NewCustomer("src-crm", "cust-1"), NewCustomer("src-crm", "cust-2") };
        await Store.Records.UpsertCustomersAsync(customers, Ct);

        var result = await Store.Records.UpsertCustomersAsync(customers, Ct);

        Assert.Equal(new UpsertResult(0, 0, 2), result);
        Assert.Equal(2, await Store.Records.CountCustomersAsync(null, Ct));
    }

    [Fact]
    public async Task A_changed_customer_is_updated_in_place()
    {
        await Store.Records.UpsertCustomersAsync([NewCustomer("src-crm", "cust-1", city: "Lyon")], Ct);

        var result = await Store.Records.UpsertCustomersAsync(
            [NewCustomer("src-crm", "cust-1", city: "Paris"), NewCustomer("src-crm", "cust-2")], Ct);

        Assert.Equal(new UpsertResult(1, 1, 0), result);
        Assert.Equal("Paris", (await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct))!.City);
        Assert.Equal(2, await Store.Records.CountCustomersAsync(null, Ct));
    }

    [Fact]
    public async Task A_member_set_to_null_is_an_update()
    {
        await Store.Records.UpsertCustomersAsync([NewCustomer("src-crm", "cust-1", city: "Lyon")], Ct);

        var result = await Store.Records.UpsertCustomersAsync([NewCustomer("src-crm", "cust-1", city: null)], Ct);

        Assert.Equal(new UpsertResult(0, 1, 0), result);
        Assert.Null((await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct))!.City);
    }

    [Fact]
    public async Task The_last_of_a_customer_repeated_within_one_import_wins()
    {
        await Store.Records.UpsertCustomersAsync(
        [
            NewCustomer("src-crm", "cust-1", city: "Lyon"),
            NewCustomer("src-crm", "cust-1", city: "Paris"),
            NewCustomer("src-crm", "cust-1", city: "Nantes"),
        ], Ct);

        Assert.Equal(1, await Store.Records.CountCustomersAsync(null, Ct));
        Assert.Equal("Nantes", (await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct))!.City);
    }

    [Fact]
    public async Task Same_customerId_in_two_sources_is_two_customers()
    {
        var result = await Store.Records.UpsertCustomersAsync(
            [NewCustomer("src-crm", "cust-1", city: "Lyon"), NewCustomer("src-shop", "cust-1", city: "Paris")], Ct);

        Assert.Equal(new UpsertResult(2, 0, 0), result);
        Assert.Equal("Lyon", (await Store.Records.FindCustomerAsync("src-crm", "cust-1", Ct))!.City);
        Assert.Equal("Paris", (await Store.Records.FindCustomerAsync("src-shop", "cust-1", Ct))!.City);
        Assert.Equal(1, await Store.Records.CountCustomersAsync("src-shop", Ct));
        Assert.Equal(2, await Store.Records.CountCustomersAsync(null, Ct));
    }

    [Fact]
    public async Task Finding_an_unknown_customer_or_order_returns_null()
    {
        await Store.Records.UpsertCustomersAsync([NewCustomer("src-crm", "cust-1")], Ct);
        await Store.Records.UpsertOrdersAsync([NewOrder("src-crm", "ord-1")], Ct);

        Assert.Null(await Store.Records.FindCustomerAsync("src-crm", "cust-2", Ct));
        Assert.Null(await Store.Records.FindCustomerAsync("src-shop", "cust-1", Ct));
        Assert.Null(await Store.Records.FindOrderAsync("src-crm", "ord-2", Ct));
        Assert.Null(await Store.Records.FindOrderAsync("src-shop", "ord-1", Ct));
    }

    [Fact]
    public async Task Upserted_orders_round_trip_every_field()
    {
        var order = new OrderRecord
        {
            SourceId = "src-shop",
            OrderId = "ord-1",
            CustomerId = "cust-1",
            OrderedAt = T0,
            Total = 1234.56m,
            Currency = "EUR",
            Status = "paid",
            Properties = """{"coupon":"SPRING","items":3}""",
        };

        await Store.Records.UpsertOrdersAsync([order], Ct);

        Assert.Equal(order, await Store.Records.FindOrderAsync("src-shop", "ord-1", Ct));
    }

    [Fact]
    public async Task Order_totals_keep_their_cents()
    {
        await Store.Records.UpsertOrdersAsync(
            [NewOrder("src-shop", "ord-1", total: 0.01m), NewOrder("src-shop", "ord-2", total: 99999999.99m)], Ct);

        Assert.Equal(0.01m, (await Store.Records.FindOrderAsync("src-shop", "ord-1", Ct))!.Total);
        Assert.Equal(99999999.99m, (await Store.Records.FindOrderAsync("src-shop", "ord-2", Ct))!.Total);
    }

    [Fact]
    public async Task Reimporting_orders_reports_inserted_updated_and_unchanged()
    {
        await Store.Records.UpsertOrdersAsync([NewOrder("src-shop", "ord-1"), NewOrder("src-shop", "ord-2")], Ct);

        var result = await Store.Records.UpsertOrdersAsync(
        [
            NewOrder("src-shop", "ord-1"),
            NewOrder("src-shop", "ord-2", total: 20m),
            NewOrder("src-shop", "ord-3"),
        ], Ct);

        Assert.Equal(new UpsertResult(1, 1, 1), result);
        Assert.Equal(20m, (await Store.Records.FindOrderAsync("src-shop", "ord-2", Ct))!.Total);
    }

    [Fact]
    public async Task The_last_of_an_order_repeated_within_one_import_wins()
    {
        await Store.Records.UpsertOrdersAsync(
            [NewOrder("src-shop", "ord-1", total: 1m), NewOrder("src-shop", "ord-1", total: 2m)], Ct);

        Assert.Equal(1, await Store.Records.CountOrdersAsync(null, Ct));
        Assert.Equal(2m, (await Store.Records.FindOrderAsync("src-shop", "ord-1", Ct))!.Total);
    }

    [Fact]
    public async Task Orders_are_counted_per_source_or_for_all_sources()
    {
        await Store.Records.UpsertOrdersAsync(
            [NewOrder("src-shop", "ord-1"), NewOrder("src-shop", "ord-2"), NewOrder("src-pos", "ord-1")], Ct);

        Assert.Equal(2, await Store.Records.CountOrdersAsync("src-shop", Ct));
        Assert.Equal(1, await Store.Records.CountOrdersAsync("src-pos", Ct));
        Assert.Equal(0, await Store.Records.CountOrdersAsync("src-none", Ct));
        Assert.Equal(3, await Store.Records.CountOrdersAsync(null, Ct));
    }
}
