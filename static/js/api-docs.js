// The API documentation page: Swagger UI over the schema named by the page (no inline script, for the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  if (!target || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    domNode: target,
    deepLinking: true,
    tryItOutEnabled: false,
    supportedSubmitMethods: ["get"],
    validatorUrl: null,
  });
});
