using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ItemFinalAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "final_at",
                table: "items",
                type: "timestamp with time zone",
                nullable: true);

            // Final answers computed before this column: as of their job's last recompute.
            migrationBuilder.Sql("UPDATE items SET final_at = j.final_labels_at FROM jobs j WHERE items.job_id = j.id AND items.final_state IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "final_at",
                table: "items");
        }
    }
}
