using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class LeanerAssignmentIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_assignments_lease_expires_at",
                table: "assignments");

            migrationBuilder.DropIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments",
                column: "review_batch_id",
                filter: "review_batch_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_lease_expires_at",
                table: "assignments",
                column: "lease_expires_at",
                filter: "status = 'Leased'");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments",
                column: "review_batch_id");
        }
    }
}
