using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

public class DataProtectionKeysTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Keys_WithACertificateConfigured_AreEncryptedInTheDatabaseAndStillWork()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"dp-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=LabelPlatform data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        try
        {
            using var app = factory.WithWebHostBuilder(b => b
                .UseSetting("DataProtection:CertificatePath", pfx)
                .UseSetting("DataProtection:CertificatePassword", "test-password"));
            var key = app.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(90));

            await using var db = factory.Database.CreateContext();
            var stored = await db.DataProtectionKeys.AsNoTracking().SingleAsync(k => k.FriendlyName == $"key-{key.KeyId}");
            Assert.Contains("encryptedSecret", stored.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", stored.Xml, StringComparison.Ordinal);

            var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            Assert.Equal("round trip", protector.Unprotect(protector.Protect("round trip")));
        }
        finally
        {
            File.Delete(pfx);
        }
    }
}
