using System.Security.Cryptography.X509Certificates;
using LabelPlatform.Data;
using Microsoft.AspNetCore.DataProtection;

namespace LabelPlatform.Web.Security;

/// <summary>
/// The keys that sign cookies and antiforgery tokens live in PostgreSQL so every web node shares
/// them. In production they are encrypted there with a certificate named in configuration
/// (<c>DataProtection:CertificatePath</c>, a PFX, and <c>DataProtection:CertificatePassword</c>);
/// without one the app says so loudly at start-up.
/// </summary>
public static class DataProtectionKeys
{
    public const string Section = "DataProtection";

    public static IServiceCollection AddDataProtectionKeys(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = services.AddDataProtection().SetApplicationName("LabelPlatform").PersistKeysToDbContext<AppDbContext>();
        if (configuration[$"{Section}:CertificatePath"] is { Length: > 0 } path)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[$"{Section}:CertificatePassword"], X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"{Section}:CertificatePath ({path}) holds no private key; the keys could be encrypted but never read back.");
            }

            keys.ProtectKeysWithCertificate(certificate);
        }

        return services;
    }

    /// <summary>Warns at start-up when the keys are kept unencrypted outside development and tests.</summary>
    public static void WarnWhenUnencrypted(this WebApplication app)
    {
        if (string.IsNullOrEmpty(app.Configuration[$"{Section}:CertificatePath"]) && !app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
        {
            app.Logger.LogWarning(
                "Data-protection keys (they sign every sign-in cookie) are stored UNENCRYPTED in PostgreSQL: anyone who can read the database can forge sessions. "
                + "Set {Section}__CertificatePath to a PFX file (and {Section}__CertificatePassword); see docs/deploy.md.", Section, Section);
        }
    }
}
