using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class QueueLeasesAndPriority : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "lease_minutes",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 10);

            migrationBuilder.AddColumn<int>(
                name: "priority",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_lease_minutes",
                table: "jobs",
                sql: "lease_minutes > 0");

            migrationBuilder.CreateIndex(
                name: "ix_items_claimable",
                table: "items",
                columns: new[] { "job_id", "remaining_slots", "ordinal" },
                filter: "remaining_slots > 0");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_live_leases",
                table: "assignments",
                columns: new[] { "job_id", "lease_expires_at" },
                filter: "status = 'Leased'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_lease_minutes",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_items_claimable",
                table: "items");

            migrationBuilder.DropIndex(
                name: "ix_assignments_live_leases",
                table: "assignments");

            migrationBuilder.DropColumn(
                name: "lease_minutes",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "priority",
                table: "jobs");
        }
    }
}
