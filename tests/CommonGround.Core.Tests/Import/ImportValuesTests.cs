using CommonGround.Import;

namespace CommonGround.Tests.Import;

public sealed class ImportValuesTests
{
    [Theory]
    [InlineData("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T10:00:00", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00Z")]
    [InlineData("2024-05-01 10:00:00", "2024-05-01T10:00:00Z")]
    [InlineData("20240501", "2024-05-01T00:00:00Z")]
    [InlineData("1714557600", "2024-05-01T10:00:00Z")]
    [InlineData("1714557600000", "2024-05-01T10:00:00Z")]
    public void Parses_the_common_date_forms_as_utc(string text, string expected)
    {
        Assert.True(ImportValues.TryDate(text, out var date));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
        Assert.Equal(TimeSpan.Zero, date.Offset);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("01/05/2024")]
    [InlineData("2024-13-01")]
    [InlineData("20241301")]
    public void Refuses_what_is_not_a_date(string text) => Assert.False(ImportValues.TryDate(text, out _));

    [Fact]
    public void Takes_a_json_number_as_unix_seconds() =>
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1714557600), ImportValues.TryDate(1714557600L, out var d) ? d : default);

    [Theory]
    [InlineData("12.50", 12.50)]
    [InlineData("-3", -3)]
    [InlineData("1e3", 1000)]
    [InlineData(" 7 ", 7)]
    public void Parses_numbers_invariantly(string text, double expected)
    {
        Assert.True(ImportValues.TryNumber(text, out var number));
        Assert.Equal((decimal)expected, number);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12,50")]
    [InlineData("1,234.50")]
    public void Refuses_what_is_not_an_invariant_number(string text) => Assert.False(ImportValues.TryNumber(text, out _));

    [Theory]
    [InlineData(" Ann.Lee@Example.COM ", "ann.lee@example.com")]
    [InlineData("a+tag@mail.example.org", "a+tag@mail.example.org")]
    public void Trims_and_lower_cases_e_mail_addresses(string text, string expected)
    {
        Assert.True(ImportValues.TryEmail(text, out var email));
        Assert.Equal(expected, email);
    }

    [Theory]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("ann@example")]
    [InlineData("ann lee@example.com")]
    [InlineData("a@b@example.com")]
    public void Refuses_what_is_not_an_e_mail_address(string text) => Assert.False(ImportValues.TryEmail(text, out _));

    [Theory]
    [InlineData("email", true)]
    [InlineData("traits.E-mail", true)]
    [InlineData("given_name", true)]
    [InlineData("surname", true)]
    [InlineData("address_1", true)]
    [InlineData("postcode", true)]
    [InlineData("date_of_birth", true)]
    [InlineData("soc_sec_id", true)]
    [InlineData("customer_id", true)]
    [InlineData("ip", true)]
    [InlineData("suburb", false)]
    [InlineData("total", false)]
    [InlineData("properties.plan", false)]
    public void Guesses_personal_fields_from_their_names(string field, bool personal) =>
        Assert.Equal(personal, CommonGround.Catalog.PersonalData.LooksPersonal(field));
}
