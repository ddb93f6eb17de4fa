import Hummingbird

/// The web page (`/`, `/app.js`, `/app.css`) and the API's description (`/openapi.yaml`), compiled
/// into the program from `Assets/`: nothing to install beside it, nothing loaded from another site.
enum WebAssets {
    static func add(to router: Router<TMContext>) {
        func serve(_ bytes: [UInt8], _ type: String) -> @Sendable (Request, TMContext) async throws -> Response {
            { _, _ in
                Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache",
                                                .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
                                                .xContentTypeOptions: "nosniff"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.get("/", use: serve(PackageResources.index_html, "text/html; charset=utf-8"))
        router.get("/app.js", use: serve(PackageResources.app_js, "text/javascript; charset=utf-8"))
        router.get("/app.css", use: serve(PackageResources.app_css, "text/css; charset=utf-8"))
        router.get("/openapi.yaml", use: serve(PackageResources.openapi_yaml, "application/yaml; charset=utf-8"))
        router.get("/v1/openapi.yaml", use: serve(PackageResources.openapi_yaml, "application/yaml; charset=utf-8"))
    }
}
