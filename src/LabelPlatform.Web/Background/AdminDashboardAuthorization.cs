using Hangfire.Dashboard;
using LabelPlatform.Accounts;

namespace LabelPlatform.Web.Background;

public sealed class AdminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
}
