// Swagger UI on casebridge's own copy (no CDN), started from a file so no inline script runs.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
