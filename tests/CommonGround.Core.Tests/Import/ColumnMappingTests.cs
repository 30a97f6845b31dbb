using CommonGround.Import;

namespace CommonGround.Tests.Import;

public sealed class ColumnMappingTests
{
    [Theory]
    [InlineData("CustomerId")]
    [InlineData("customer id")]
    [InlineData("customer_id")]
    [InlineData("CUSTOMER-ID")]
    public void Unmapped_targets_take_the_column_of_the_same_name(string column)
    {
        var resolved = ColumnMapping.Default.Resolve(ImportKind.Customers, [column, "Other"]);

        Assert.Equal(column, resolved.ColumnOf("customer_id"));
        Assert.False(resolved.IsTyped("Other"));
    }

    [Fact]
    public void Explicit_pairs_win_over_same_named_columns()
    {
        var mapping = ColumnMapping.Parse(["customer_id=CustID", "email=E-mail"]);

        var resolved = mapping.Resolve(ImportKind.Customers, ["customer_id", "CustID", "E-mail"]);

        Assert.Equal("CustID", resolved.ColumnOf("customer_id"));
        Assert.Equal("E-mail", resolved.ColumnOf("email"));
        Assert.False(resolved.IsTyped("customer_id"));
    }

    [Fact]
    public void Reads_a_json_mapping()
    {
        var mapping = ColumnMapping.FromJson("{\"customer_id\": \"CustID\", \"email\": \"E-mail\"}");

        Assert.Equal("CustID", mapping.Explicit["customer_id"]);
        Assert.Equal("E-mail", mapping.Explicit["email"]);
    }

    [Fact]
    public void A_mapping_to_a_missing_column_names_it_and_the_columns_there_are()
    {
        var mapping = ColumnMapping.Parse(["email=Mail"]);

        var ex = Assert.Throws<ImportInputException>(() => mapping.Resolve(ImportKind.Customers, ["customer_id", "E-mail"]));

        Assert.Equal("The mapping email=Mail names a column the file does not have. Columns in the file: customer_id, E-mail.", ex.Message);
    }

    [Fact]
    public void A_required_field_without_a_column_is_an_error_before_any_row()
    {
        var ex = Assert.Throws<ImportInputException>(() => ColumnMapping.Default.Resolve(ImportKind.Orders, ["order_id", "customer_id", "date"]));

        Assert.Contains("No column for ordered_at, total", ex.Message);
        Assert.Contains("Columns in the file: order_id, customer_id, date", ex.Message);
    }

    [Fact]
    public void Events_need_a_user_id_or_an_anonymous_id_column()
    {
        var ex = Assert.Throws<ImportInputException>(() => ColumnMapping.Default.Resolve(ImportKind.Events, ["event", "timestamp"]));

        Assert.Contains("user_id or anonymous_id", ex.Message);
    }

    [Fact]
    public void An_unknown_target_lists_the_fields_there_are()
    {
        var ex = Assert.Throws<ImportInputException>(() => ColumnMapping.Parse(["shoe_size=Size"]).Resolve(ImportKind.Customers, ["customer_id"]));

        Assert.Contains("'shoe_size'", ex.Message);
        Assert.Contains("customer_id, email, phone", ex.Message);
    }

    [Fact]
    public void A_pair_without_an_equals_sign_says_the_form()
    {
        var ex = Assert.Throws<ImportInputException>(() => ColumnMapping.Parse(["email"]));

        Assert.Contains("target=column", ex.Message);
    }
}
