using System.Security.Cryptography;
using System.Text;

namespace LabelPlatform.Exports;

/// <summary>
/// What researchers see instead of a worker's account id: the same worker has the same pseudonym in
/// all of one organisation's jobs (so their answers can be studied together) and another one in every
/// other organisation's, and it leads back to no account.
/// </summary>
public static class WorkerPseudonyms
{
    public static string For(Guid organisationId, string workerId) =>
        "w_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{organisationId:N}:{workerId}")))[..16];
}
