using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ReviewerAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "reviewer_quality",
                columns: table => new
                {
                    reviewer_id = table.Column<string>(type: "text", nullable: false),
                    audited = table.Column<int>(type: "integer", nullable: false),
                    correct = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reviewer_quality", x => x.reviewer_id);
                    table.ForeignKey(
                        name: "fk_reviewer_quality_asp_net_users_reviewer_id",
                        column: x => x.reviewer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reviewer_quality");
        }
    }
}
