using LabelPlatform.Web.Security;

namespace LabelPlatform.UnitTests.Security;

/// <summary>Uploads over the live connection: an allowance per account and per kind, refused with how long to wait.</summary>
public sealed class UploadAllowanceTests
{
    [Fact]
    public void OverTheHourlyAllowance_RefusedForThatAccountAndKindOnly()
    {
        using var allowance = new UploadAllowance(new RateLimitOptions { UploadsPerHour = 2, ModelUploadsPerHour = 1 });

        Assert.Null(allowance.Refusal(UploadAllowance.Kind.Files, "a"));
        Assert.Null(allowance.Refusal(UploadAllowance.Kind.Files, "a"));
        var refused = allowance.Refusal(UploadAllowance.Kind.Files, "a");
        Assert.NotNull(refused);
        Assert.Matches(@"^Too many uploads from your account this hour\. Try again in \d+ minutes?\.$", refused);

        // Another account, and the same account's model allowance, are untouched.
        Assert.Null(allowance.Refusal(UploadAllowance.Kind.Files, "b"));
        Assert.Null(allowance.Refusal(UploadAllowance.Kind.Model, "a"));
        Assert.StartsWith("Too many model uploads from your account this hour.", allowance.Refusal(UploadAllowance.Kind.Model, "a"));
    }
}
