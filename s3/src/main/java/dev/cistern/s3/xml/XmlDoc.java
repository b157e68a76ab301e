package dev.cistern.s3.xml;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A parsed request body (CompleteMultipartUpload, Delete, Tagging...). DTDs and external entities are
 * refused so a hostile body cannot read files or expand entities; any parse failure is MalformedXML.
 * Element names are matched without namespace, as S3 accepts bodies with or without it.
 */
public final class XmlDoc {
    private final Element element;

    private XmlDoc(Element element) {
        this.element = element;
    }

    public static XmlDoc parse(byte[] body, String expectedRoot) {
        if (body.length == 0) {
            throw new S3Exception(S3Error.MALFORMED_XML, "the request body is empty; expected a " + expectedRoot + " document");
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Element root = b.parse(new ByteArrayInputStream(body)).getDocumentElement();
            if (!expectedRoot.equals(root.getLocalName())) {
                throw new S3Exception(S3Error.MALFORMED_XML,
                        "expected root element " + expectedRoot + " but got " + root.getLocalName());
            }
            return new XmlDoc(root);
        } catch (S3Exception e) {
            throw e;
        } catch (Exception e) {
            throw new S3Exception(S3Error.MALFORMED_XML,
                    "the XML you provided was not well-formed or did not validate against our published schema: "
                            + e.getMessage());
        }
    }

    /** Direct children with this local name. */
    public List<XmlDoc> children(String name) {
        List<XmlDoc> out = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) out.add(new XmlDoc(e));
        }
        return out;
    }

    /** The first direct child with this name, or null. */
    public XmlDoc child(String name) {
        List<XmlDoc> c = children(name);
        return c.isEmpty() ? null : c.get(0);
    }

    /** Text of the first direct child with this name, or null when absent. */
    public String text(String name) {
        XmlDoc c = child(name);
        return c == null ? null : c.text();
    }

    public String text() {
        return element.getTextContent();
    }
}
